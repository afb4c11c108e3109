"""Routes of the catalogue and fee standard (收费标准)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, status

from civic import clock
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, NotFound
from civic.security import PrincipalDep
from settlement.api.common import County, ensure_county
from settlement.handlers.catalogue import PublishVersion, publish_version
from settlement.repository import catalogue
from settlement.schemas import VersionCreate, VersionRead, VersionSummary

router = APIRouter(prefix="/catalogue", tags=["catalogue 收费标准"])


@router.get(
    "/{county_code}",
    response_model=VersionRead,
    responses=PROBLEM_RESPONSES,
    summary="现行收费标准",
)
async def get_in_force(
    county_code: str,
    principal: PrincipalDep,
    uow: UowDep,
    on: Annotated[
        date | None, Query(description="Day to ask about (Asia/Shanghai); default today.")
    ] = None,
) -> VersionRead:
    """The county's catalogue version in force on a day, with every item and fee."""
    async with uow:
        found = await catalogue.in_force(uow.session, county_code, on or clock.today())
    if found is None:
        raise NotFound("该县(区)在该日期没有生效的收费标准", code="no_catalogue")
    head, items = found
    return VersionRead(**head, items=items)


@router.get(
    "/{county_code}/versions",
    response_model=list[VersionSummary],
    responses=PROBLEM_RESPONSES,
    summary="收费标准历次版本",
)
async def list_versions(
    county_code: str, principal: PrincipalDep, uow: UowDep
) -> list[VersionSummary]:
    """Every version of the county's catalogue, newest first."""
    async with uow:
        rows = await catalogue.versions(uow.session, county_code)
    return [VersionSummary(**row) for row in rows]


@router.post(
    "/{county_code}/versions",
    response_model=VersionRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="发布收费标准新版本",
)
async def create_version(
    county_code: str, body: VersionCreate, officer: County, uow: UowDep
) -> VersionRead:
    """A county officer adds a version; earlier versions and what they priced stay as they were."""
    ensure_county(officer, county_code)
    cmd = PublishVersion(
        county_code,
        body.effective_from,
        tuple(i.to_contract() for i in body.items),
        officer.user_id,
    )
    async with uow:
        event = await publish_version(cmd, uow=uow, today=clock.today())
    async with uow:
        found = await catalogue.in_force(
            uow.session, county_code, event.effective_from, version=event.version
        )
    assert found is not None
    return VersionRead(**found[0], items=found[1])
