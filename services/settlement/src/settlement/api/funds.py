"""Routes of the funds: yearly budgets per source, the locality's total, fund standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.enums import FundingSource
from settlement.api.common import County, Officer, ensure_county, ensure_division
from settlement.handlers import funds
from settlement.schemas import AssistanceTotalSet, BudgetSet, FundsRead

router = APIRouter(prefix="/funds", tags=["funds 资金来源"])

Year = Annotated[int, Path(ge=2023, le=2100, description="Budget year.")]
Division = Annotated[str, Path(pattern=r"^(\d{6}|\d{9})$", description="County or township code.")]


@router.put(
    "/{division_code}/{year}/budgets/{funding_source}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=PROBLEM_RESPONSES,
    summary="设定资金来源年度预算",
    openapi_extra=reads_personal(None),
)
async def put_budget(
    division_code: Division,
    year: Year,
    funding_source: FundingSource,
    body: BudgetSet,
    officer: County,
    uow: UowDep,
) -> None:
    """A county officer sets one fund's yearly budget for the county or one of its townships."""
    ensure_division(officer, division_code)
    cmd = funds.SetBudget(division_code, year, funding_source, body.amount_fen, officer.user_id)
    await funds.set_budget(cmd, uow=uow)


@router.put(
    "/{county_code}/{year}/assistance-total",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=PROBLEM_RESPONSES,
    summary="登记本地社会救助资金总额（1%上限的基数）",
    openapi_extra=reads_personal(None),
)
async def put_assistance_total(
    county_code: str, year: Year, body: AssistanceTotalSet, officer: County, uow: UowDep
) -> None:
    """A county officer records the locality's total social-assistance funds for a year."""
    ensure_county(officer, county_code)
    await funds.set_assistance_total(
        county_code, year, body.total_fen, uow=uow, user=officer.user_id
    )


@router.get(
    "/{division_code}/{year}",
    response_model=FundsRead,
    responses=PROBLEM_RESPONSES,
    summary="资金使用情况",
    openapi_extra=reads_personal(None),
)
async def get_funds(
    division_code: Division, year: Year, officer: Officer, uow: UowDep
) -> FundsRead:
    """Each fund's budget, committed and drafted spending; for a county also the 1% cap."""
    ensure_division(officer, division_code)
    report = await funds.fund_report(division_code, year, uow=uow)
    return FundsRead.model_validate(report)
