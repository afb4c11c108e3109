"""Routes of the county's spot checks (抽查): draw, coverage, results."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from civic import clock
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, NotFound
from settlement.api.common import Checker, County, PagingDep, ensure_county
from settlement.handlers import spot_checks as use_cases
from settlement.orm import spot_check
from settlement.repository import spot_checks as repo
from settlement.schemas import DrawCreate, DrawRead, Page, SpotCheckRead, SpotCheckResultCreate

router = APIRouter(prefix="/spot-checks", tags=["spot checks 抽查"])

Year = Annotated[int, Path(ge=2023, le=2100, description="Year whose services are checked.")]


@router.post(
    "/{county_code}/{year}/draws",
    response_model=DrawRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="抽取抽查样本",
)
async def draw(
    county_code: str, year: Year, body: DrawCreate, officer: County, uow: UowDep
) -> DrawRead:
    """Draws (or tops up) a sample so every township × provider × item reaches the rate."""
    ensure_county(officer, county_code)
    cmd = use_cases.DrawSample(
        county_code, year, body.seed, body.rate_percent * 100, officer.user_id
    )
    async with uow:
        result = await use_cases.draw_sample(cmd, uow=uow)
    return DrawRead.model_validate(result)


@router.get("/{county_code}/{year}/coverage", responses=PROBLEM_RESPONSES, summary="抽查覆盖率")
async def coverage(county_code: str, year: Year, officer: Checker, uow: UowDep) -> dict[str, Any]:
    """Services, drawn, checked, passed and failed, for the county and each provider."""
    ensure_county(officer, county_code)
    async with uow:
        return await use_cases.coverage(county_code, year, uow=uow)


@router.get(
    "/{county_code}/{year}",
    response_model=Page[SpotCheckRead],
    responses=PROBLEM_RESPONSES,
    summary="抽查清单",
)
async def list_checks(
    county_code: str,
    year: Year,
    officer: Checker,
    uow: UowDep,
    paging: PagingDep,
    open_only: Annotated[bool, Query(description="Only checks without a result.")] = False,
) -> Page[SpotCheckRead]:
    """The records drawn for checking."""
    ensure_county(officer, county_code)
    c = spot_check.c
    where = [c.county_code == county_code, c.year == year]
    if open_only:
        where.append(c.outcome.is_(None))
    async with uow:
        rows, total = await repo.find(uow.session, *where, limit=paging.size, offset=paging.offset)
    items = [SpotCheckRead.model_validate(dict(r._mapping)) for r in rows]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.post(
    "/{spot_check_id}/result",
    response_model=SpotCheckRead,
    responses=PROBLEM_RESPONSES,
    summary="登记抽查结果",
)
async def record_result(
    spot_check_id: uuid.UUID, body: SpotCheckResultCreate, officer: Checker, uow: UowDep
) -> SpotCheckRead:
    """An inspector records pass or fail; a failed record is reversed out of payment."""
    async with uow:
        found = await repo.get(uow.session, spot_check_id)
    if found is None:
        raise NotFound("抽查记录不存在", code="spot_check_not_found")
    ensure_county(officer, found.county_code)
    async with uow:
        result = await use_cases.record_result(
            spot_check_id,
            body.outcome,
            body.notes,
            uow=uow,
            user=officer.user_id,
            today=clock.today(),
        )
    return SpotCheckRead.model_validate(result)
