"""Routes of the catalogue and fee standard (收费标准)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, NotFound
from civic.security import PrincipalDep
from settlement.api.common import County, IdempotencyKey, ensure_county
from settlement.domain.catalogue import CatalogueVersion
from settlement.handlers.catalogue import (
    PublishVersion,
    catalogue_in_force,
    catalogue_version,
    catalogue_versions,
    publish_version,
)
from settlement.schemas import VersionCreate, VersionRead, VersionSummary

router = APIRouter(prefix="/catalogue", tags=["catalogue 收费标准"])


@router.get(
    "/{county_code}",
    response_model=VersionRead,
    responses=PROBLEM_RESPONSES,
    summary="现行收费标准",
    openapi_extra=reads_personal(None),
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
    found = await catalogue_in_force(county_code, on or clock.today(), uow=uow)
    if found is None:
        raise NotFound("该县(区)在该日期没有生效的收费标准", code="no_catalogue")
    return _version_read(found)


@router.get(
    "/{county_code}/versions",
    response_model=list[VersionSummary],
    responses=PROBLEM_RESPONSES,
    summary="收费标准历次版本",
    openapi_extra=reads_personal(None),
)
async def list_versions(
    county_code: str, principal: PrincipalDep, uow: UowDep
) -> list[VersionSummary]:
    """Every version of the county's catalogue, newest first."""
    found = await catalogue_versions(county_code, uow=uow)
    return [VersionSummary.model_validate(version, from_attributes=True) for version in found]


@router.get(
    "/{county_code}/versions/{version}",
    response_model=VersionRead,
    responses=PROBLEM_RESPONSES,
    summary="收费标准某一版本",
    openapi_extra=reads_personal(None),
)
async def get_version(
    county_code: str,
    version: Annotated[int, Path(ge=1, le=1_000_000, description="Version number, per county.")],
    principal: PrincipalDep,
    uow: UowDep,
) -> VersionRead:
    """One numbered version of the county's catalogue, with every item and fee."""
    found = await catalogue_version(county_code, version, uow=uow)
    if found is None:
        raise NotFound(
            f"该县(区)没有第 {version} 版收费标准",
            code="catalogue_version_not_found",
            field="path.version",
        )
    return _version_read(found)


@router.post(
    "/{county_code}/versions",
    response_model=VersionRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="发布收费标准新版本",
    openapi_extra=reads_personal(None),
)
async def create_version(
    county_code: str,
    body: VersionCreate,
    officer: County,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> VersionRead:
    """A county officer adds a version (earlier ones stay); a retried key makes no other."""
    ensure_county(officer, county_code)
    cmd = PublishVersion(
        county_code,
        body.effective_from,
        tuple(i.to_contract() for i in body.items),
        officer.user_id,
    )
    number = await publish_version(
        cmd, uow=uow, today=clock.today(), idempotency_key=idempotency_key
    )
    found = await catalogue_version(county_code, number, uow=uow)
    assert found is not None  # just published
    return _version_read(found)


def _version_read(found: CatalogueVersion) -> VersionRead:
    return VersionRead.model_validate({**asdict(found), "items": list(found.items)})
