"""Routes of the funds: yearly budgets per source, the locality's total, fund standing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.enums import FundingSource
from settlement.api.common import County, Officer, ensure_county, ensure_division
from settlement.domain.budgets import BudgetPolicy
from settlement.handlers import budgets, funds
from settlement.schemas import AssistanceTotalSet, BudgetSet, FundsRead
from settlement.schemas.budgets import BudgetPolicyRead, BudgetPolicySet

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


# Before "/{division_code}/{year}", which would otherwise take "budget-policy" for a year.
@router.get(
    "/{county_code}/budget-policy",
    response_model=BudgetPolicyRead,
    responses=PROBLEM_RESPONSES,
    summary="查看预算控制方式与预警比例",
    openapi_extra=reads_personal(None),
)
async def get_budget_policy(county_code: str, officer: Officer, uow: UowDep) -> BudgetPolicyRead:
    """The county's budget policy (default: refuse; warn at 80% and 95%), for its officers."""
    ensure_county(officer, county_code)
    return _policy_read(await budgets.get_policy(county_code, uow=uow))


@router.put(
    "/{county_code}/budget-policy",
    response_model=BudgetPolicyRead,
    responses=PROBLEM_RESPONSES,
    summary="设定预算控制方式与预警比例",
    openapi_extra=reads_personal(None),
)
async def put_budget_policy(
    county_code: str, body: BudgetPolicySet, officer: County, uow: UowDep
) -> BudgetPolicyRead:
    """A county officer sets whether going past a budget is refused or held, and the warnings."""
    ensure_county(officer, county_code)
    cmd = budgets.SetPolicy(county_code, body.mode, tuple(body.thresholds_percent), officer.user_id)
    return _policy_read(await budgets.set_policy(cmd, uow=uow))


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


def _policy_read(policy: BudgetPolicy) -> BudgetPolicyRead:
    return BudgetPolicyRead(
        county_code=policy.county_code,
        mode=policy.mode,
        mode_zh=policy.mode.label_zh,
        thresholds_percent=list(policy.thresholds_percent),
    )
