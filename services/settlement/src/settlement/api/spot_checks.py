"""Routes of the county's spot checks (抽查): draw, coverage, results."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import Checker, County, IdempotencyKey, PagingDep, ensure_county
from settlement.handlers import spot_checks as use_cases
from settlement.schemas import DrawCreate, DrawRead, Page, SpotCheckRead, SpotCheckResultCreate
from settlement.schemas.spot_checks import CoverageRead, PastDrawRead

router = APIRouter(prefix="/spot-checks", tags=["spot checks 抽查"])

Year = Annotated[int, Path(ge=2023, le=2100, description="Year whose services are checked.")]


@router.post(
    "/{county_code}/{year}/draws",
    response_model=DrawRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="抽取抽查样本",
    openapi_extra=reads_personal(None),
)
async def draw(
    county_code: str,
    year: Year,
    body: DrawCreate,
    officer: County,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> DrawRead:
    """Draws (or tops up) a sample to the rate per stratum; a retried key draws nothing."""
    ensure_county(officer, county_code)
    cmd = use_cases.DrawSample(
        county_code, year, body.seed, body.rate_percent * 100, officer.user_id
    )
    result = await use_cases.draw_sample(cmd, uow=uow, idempotency_key=idempotency_key)
    return DrawRead.model_validate(result)


@router.get(
    "/{county_code}/{year}/draws",
    response_model=Page[PastDrawRead],
    responses=PROBLEM_RESPONSES,
    summary="历次抽取记录",
    openapi_extra=reads_personal(None),
)
async def list_draws(
    county_code: str, year: Year, officer: Checker, uow: UowDep, paging: PagingDep
) -> Page[PastDrawRead]:
    """The year's draws, newest first: seed, rate, services then, records added, who, when."""
    ensure_county(officer, county_code)
    found, total = await use_cases.draws_page(
        county_code, year, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [PastDrawRead.model_validate(draw, from_attributes=True) for draw in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get(
    "/{county_code}/{year}/coverage",
    response_model=CoverageRead,
    responses=PROBLEM_RESPONSES,
    summary="抽查覆盖率",
    openapi_extra=reads_personal(None),
)
async def coverage(county_code: str, year: Year, officer: Checker, uow: UowDep) -> CoverageRead:
    """Services, drawn, checked (done), passed and failed; ≥30% is met by checked records."""
    ensure_county(officer, county_code)
    return CoverageRead.model_validate(await use_cases.coverage(county_code, year, uow=uow))


@router.get(
    "/{county_code}/{year}",
    response_model=Page[SpotCheckRead],
    responses=PROBLEM_RESPONSES,
    summary="抽查清单",
    openapi_extra=reads_personal("spot_check"),
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
    found, total = await use_cases.checks_page(
        county_code, year, open_only=open_only, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [SpotCheckRead.model_validate(check, from_attributes=True) for check in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.post(
    "/{spot_check_id}/result",
    response_model=SpotCheckRead,
    responses=PROBLEM_RESPONSES,
    summary="登记抽查结果",
    openapi_extra=reads_personal("spot_check"),
)
async def record_result(
    spot_check_id: uuid.UUID, body: SpotCheckResultCreate, officer: Checker, uow: UowDep
) -> SpotCheckRead:
    """An inspector records pass or fail; a failed record is reversed out of payment."""
    found = await use_cases.get_check(spot_check_id, uow=uow)
    ensure_county(officer, found.county_code)
    result = await use_cases.record_result(
        spot_check_id,
        body.outcome,
        body.notes,
        uow=uow,
        user=officer.user_id,
        today=clock.today(),
    )
    return SpotCheckRead.model_validate(
        {**asdict(result.check), "disallowed_fen": result.disallowed_fen}
    )
