"""review's routes for the city system's reports: the township's confirmation queue and the
county's setting that turns confirmation off."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query

from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal, require_roles
from contracts.enums import Role
from review import handlers
from review.api.deps import PageSize, TownshipOfficer
from review.domain.city import HeldState
from review.schemas.city import (
    REJECT_EXAMPLES,
    SETTINGS_EXAMPLES,
    CityReportList,
    CityReportRead,
    CityReportRejectIn,
    CountySettingsIn,
    CountySettingsRead,
)

router = APIRouter(tags=["city reports"], responses=PROBLEM_RESPONSES)

CountyOfficer = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER))]
TownshipCode = Annotated[
    str, Path(pattern=r"^\d{9}$", description="乡镇(街道) code, 9 digits; your own township.")
]
CountyCode = Annotated[
    str, Path(pattern=r"^\d{6}$", description="县(区) code, 6 digits; your own county.")
]
ReportId = Annotated[uuid.UUID, Path(description="The held report (报告编号).")]


@router.get(
    "/townships/{township_code}/city-reports",
    openapi_extra=reads_personal("city_report_list"),
    summary="市救助系统报告待处理队列 (the city's reports awaiting the township)",
)
async def city_reports(
    township_code: TownshipCode,
    officer: TownshipOfficer,
    uow: UowDep,
    state: Annotated[
        HeldState | None,
        Query(
            description="Omitted: every report awaiting an officer (pending 待确认, refused 与记录"
            "冲突, no_recipient 非服务对象). Or one state: pending, refused, no_recipient, "
            "confirmed 已确认, rejected 不予采纳, applied 已按顺序生效, superseded 已被取代."
        ),
    ] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> CityReportList:
    """Lists the city's reports kept for the officer's township, oldest first: stops and deaths
    to confirm, reports the recipient's history refuses, reports about non-recipients."""
    found, total = await handlers.list_city_reports(
        township_code, state, page=page, size=size, uow=uow, officer=officer
    )
    items = [CityReportRead.of(r) for r in found]
    return CityReportList(items=items, total=total, page=page, size=size)


@router.post(
    "/city-reports/{report_id}/confirm",
    openapi_extra=reads_personal("city_report"),
    summary="确认市救助系统报告 (apply the city's report now)",
)
async def confirm_city_report(
    report_id: ReportId, officer: TownshipOfficer, uow: UowDep
) -> CityReportRead:
    """Applies a kept report to the recipient, confirmed by the officer (a refused one is
    tried again: 409/422 with the reason if it still cannot apply); 409 once decided."""
    held = await handlers.confirm_city_report(report_id, uow=uow, officer=officer)
    return CityReportRead.of(held)


@router.post(
    "/city-reports/{report_id}/reject",
    openapi_extra=reads_personal("city_report"),
    summary="不予采纳市救助系统报告 (keep the recipient as is)",
)
async def reject_city_report(
    report_id: ReportId,
    body: Annotated[CityReportRejectIn, Body(openapi_examples=REJECT_EXAMPLES)],
    officer: TownshipOfficer,
    uow: UowDep,
) -> CityReportRead:
    """Refuses a held report with a reason: nothing changes, the decision is kept."""
    held = await handlers.reject_city_report(report_id, body.reason_zh, uow=uow, officer=officer)
    return CityReportRead.of(held)


@router.get(
    "/counties/{county_code}/settings",
    openapi_extra=reads_personal(None),
    summary="县(区)设置 (the county's settings)",
)
async def county_settings(
    county_code: CountyCode, officer: CountyOfficer, uow: UowDep
) -> CountySettingsRead:
    """Shows whether the city's stops and deaths wait for a township officer in the county."""
    found = await handlers.read_county_settings(county_code, uow=uow, officer=officer)
    return CountySettingsRead.of(found)


@router.put(
    "/counties/{county_code}/settings",
    openapi_extra=reads_personal(None),
    summary="修改县(区)设置 (turn the township's confirmation of city stops on or off)",
)
async def change_county_settings(
    county_code: CountyCode,
    body: Annotated[CountySettingsIn, Body(openapi_examples=SETTINGS_EXAMPLES)],
    officer: CountyOfficer,
    uow: UowDep,
) -> CountySettingsRead:
    """Sets the county's settings; reports already held stay on the queue until decided."""
    saved = await handlers.set_county_settings(
        county_code, confirm_city_stops=body.confirm_city_stops, uow=uow, officer=officer
    )
    return CountySettingsRead.of(saved)
