"""Funds: yearly budgets per source, the locality's total, and where each fund stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from settlement.domain import budgets, funds
from settlement.repository import budgets as budget_repo
from settlement.repository import funds as repo
from settlement.repository import statements


@dataclass(frozen=True)
class SetBudget:
    """A county officer sets one fund's yearly budget for a county or township."""

    division_code: str
    year: int
    funding_source: FundingSource
    amount_fen: int
    set_by: str


async def set_budget(cmd: SetBudget, *, uow: UnitOfWork) -> None:
    """Sets (or replaces) a yearly budget."""
    async with uow:
        await repo.set_budget(
            uow.session,
            {
                "division_code": cmd.division_code,
                "year": cmd.year,
                "funding_source": cmd.funding_source.value,
                "amount_fen": cmd.amount_fen,
                "set_by": cmd.set_by,
            },
        )
        await uow.commit()


async def set_assistance_total(
    county_code: str, year: int, total_fen: int, *, uow: UnitOfWork, user: str
) -> None:
    """Records the locality's total social-assistance funds (the base of the 1% cap)."""
    async with uow:
        values = {"county_code": county_code, "year": year, "total_fen": total_fen, "set_by": user}
        await repo.set_assistance_total(uow.session, values)
        await uow.commit()


async def fund_report(division_code: str, year: int, *, uow: UnitOfWork) -> dict[str, Any]:
    """Each fund's budget, committed, held and drafted spending, how much of its budget is used
    and the thresholds reached; and, for a county, the 1% cap."""
    async with uow:
        budgets = await repo.budgets(uow.session, division_code, year)
        spent = await repo.spent(uow.session, division_code, year)
        policy = await budget_repo.policy(uow.session, division_code[:6])
        rows = [
            _fund_row(source, budgets.get(source.value), spent.get(source.value), policy)
            for source in FundingSource
        ]
        report: dict[str, Any] = {
            "division_code": division_code,
            "year": year,
            "funds": rows,
            "cap": None,
        }
        if len(division_code) == 6:
            total = await statements.assistance_total(uow.session, division_code, year)
            capped = await statements.capped_used(uow.session, division_code, year)
            report["cap"] = funds.check_cap(
                locality_code=division_code,
                year=year,
                assistance_total_fen=total,
                used_fen=capped,
                statement_fen=0,
            ).figures()
        return report


def _fund_row(
    source: FundingSource,
    budget: int | None,
    used: dict[str, int] | None,
    policy: budgets.BudgetPolicy,
) -> dict[str, Any]:
    figures = {"committed": 0, "held": 0, "drafted": 0} | (used or {})
    committed = figures["committed"]
    reached = budgets.thresholds_reached(
        policy.thresholds_percent, budget_fen=budget or 0, used_fen=committed
    )
    return {
        "funding_source": source.value,
        "label_zh": source.label_zh,
        "budget_fen": budget,
        "committed_fen": committed,
        "held_fen": figures["held"],
        "drafted_fen": figures["drafted"],
        "remaining_fen": None if budget is None else budget - committed,
        "used_percent": budgets.used_percent(budget, committed),
        "thresholds_reached": reached,
    }
