"""Neighbour mutual aid: village staff register trained neighbours and record their services;
the township reads its villages' neighbours."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from dispatch.api.deps import AnyStaff, Officer, PageNo, PageSize, VillageStaff
from dispatch.domain.neighbours import Helper, NeighbourService
from dispatch.handlers import neighbours as use
from dispatch.handlers import views
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.neighbours import (
    HelperBody,
    HelperRead,
    HelperYear,
    NeighbourServiceBody,
    YearSummary,
)

router = APIRouter(tags=["邻里互助 neighbour aid"], responses=PROBLEM_RESPONSES)
VILLAGE = "/villages/{village_code}"


@router.post(
    f"{VILLAGE}/neighbour-helpers",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("neighbour_helper"),
    summary="登记邻里志愿者",
)
async def add_helper(
    village_code: str, body: HelperBody, who: VillageStaff, uow: UowDep
) -> HelperRead:
    """Registers a trained neighbour of the village."""
    helper = Helper(**body.model_dump())
    registered = await use.register_helper(helper, village_code=village_code, staff=who, uow=uow)
    return view_of(HelperRead, registered)


@router.get(
    f"{VILLAGE}/neighbour-helpers",
    openapi_extra=reads_personal("neighbour_helper"),
    summary="邻里志愿者名单",
)
async def list_helpers(village_code: str, who: AnyStaff, uow: UowDep) -> list[HelperRead]:
    """The village's trained neighbours."""
    helpers = await use.village_helpers(village_code=village_code, staff=who, uow=uow)
    return [view_of(HelperRead, helper) for helper in helpers]


@router.post(
    f"{VILLAGE}/neighbour-services",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=reads_personal("neighbour_service"),
    summary="记录邻里互助服务",
)
async def add_service(
    village_code: str, body: NeighbourServiceBody, who: VillageStaff, uow: UowDep
) -> NeighbourServiceBody:
    """Records services a neighbour gave (count and content); a retry is safe."""
    service = NeighbourService(**body.model_dump())
    kept = await use.record_neighbour_service(
        service, village_code=village_code, staff=who, uow=uow
    )
    return NeighbourServiceBody(**asdict(kept))


@router.get(
    f"{VILLAGE}/neighbour-services/summary",
    openapi_extra=reads_personal("neighbour_helper"),  # helpers' names
    summary="邻里互助年度汇总",
)
async def year_summary(
    village_code: str,
    who: AnyStaff,
    uow: UowDep,
    year: int = Query(default_factory=lambda: clock.today().year, ge=2023, le=2100),
) -> YearSummary:
    """Per helper, the services recorded in a year: the basis of the yearly subsidy."""
    totals = await use.year_totals(village_code=village_code, year=year, staff=who, uow=uow)
    helpers = [HelperYear(**asdict(total)) for total in totals]
    return YearSummary(village_code=village_code, year=year, helpers=helpers)


@router.get(
    "/townships/{township_code}/neighbour-helpers",
    openapi_extra=reads_personal("neighbour_helper"),
    summary="乡镇(街道)邻里志愿者名单",
)
async def township_helpers(
    township_code: str,
    who: Officer,
    uow: UowDep,
    village_code: str | None = Query(None, description="Only this village of the township."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[HelperRead]:
    """The trained neighbours of the township's villages, by village then name."""
    found, total = await views.township_helpers(
        township_code=township_code,
        village_code=village_code,
        officer=who,
        uow=uow,
        page=page,
        size=size,
    )
    items = [view_of(HelperRead, helper) for helper in found]
    return Page(items=items, total=total, page=page, size=size)
