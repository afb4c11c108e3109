"""Budgets that bind: the county's policy, the checks before confirming, warnings reached."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from contracts.settlement import FundBudgetThresholdReached
from settlement.domain import budgets
from settlement.domain.budgets import BudgetCheck, BudgetHold, BudgetMode, BudgetPolicy
from settlement.domain.months import period_year
from settlement.domain.statements import Statement
from settlement.repository import budgets as repo
from settlement.repository import locks, statements


@dataclass(frozen=True)
class SetPolicy:
    """A county officer sets what going past a budget does, and the warning thresholds."""

    county_code: str
    mode: BudgetMode
    thresholds_percent: tuple[int, ...]
    set_by: str


async def set_policy(cmd: SetPolicy, *, uow: UnitOfWork) -> BudgetPolicy:
    """Sets (or replaces) the county's budget policy."""
    thresholds = budgets.check_thresholds(cmd.thresholds_percent)
    async with uow:
        values = {
            "county_code": cmd.county_code,
            "mode": cmd.mode.value,
            "thresholds_percent": list(thresholds),
            "set_by": cmd.set_by,
        }
        await repo.set_policy(uow.session, values)
        await uow.commit()
    return BudgetPolicy(cmd.county_code, cmd.mode, thresholds)


async def get_policy(county_code: str, *, uow: UnitOfWork) -> BudgetPolicy:
    """The county's budget policy, or the default (refuse; warn at 80% and 95%)."""
    async with uow:
        return await repo.policy(uow.session, county_code)


async def holds_of(
    statement_ids: Sequence[uuid.UUID], *, uow: UnitOfWork
) -> dict[uuid.UUID, BudgetHold]:
    """The figures each held statement is waiting on the county for (a read: no lock)."""
    if not statement_ids:
        return {}
    async with uow:
        return await repo.open_holds(uow.session, statement_ids)


async def checks_of(uow: UnitOfWork, row: Statement) -> list[BudgetCheck]:
    """The budgets the statement's funds meet (township's, then county's), each one locked so
    two confirmations cannot both slip under it; funds without a budget are not bound."""
    year = period_year(row.period)
    mine = {
        total.funding_source: total.amount_fen
        for total in await statements.source_totals(uow.session, row.statement_id)
        if total.amount_fen > 0
    }
    keys = [(d, s) for d in (row.township_code, row.county_code) for s in sorted(mine)]
    if not keys:
        return []
    await locks.lock_all(uow.session, "budget", [(d, s, year) for d, s in keys])
    set_ = await repo.budgets_of(uow.session, keys, year)
    return [
        BudgetCheck(
            division_code=division,
            funding_source=source,
            year=year,
            budget_fen=set_[(division, source)],
            committed_fen=await repo.committed(uow.session, division, year, source),
            statement_fen=mine[source],
        )
        for division, source in keys
        if (division, source) in set_
    ]


async def breach_to_hold(
    uow: UnitOfWork, row: Statement, checks: list[BudgetCheck]
) -> BudgetCheck | None:
    """The budget the statement would pass, when its county holds such statements; None within
    every budget; refused (422 with the figures) when the county refuses them."""
    breach = budgets.first_breach(checks)
    if breach is None:
        return None
    policy = await repo.policy(uow.session, row.county_code)
    if policy.mode is BudgetMode.REFUSE:
        raise budgets.BudgetRuleError(
            "budget_exceeded", breach.message_zh(), extra=breach.figures()
        )
    return breach


async def warn(uow: UnitOfWork, row: Statement, checks: list[BudgetCheck]) -> None:
    """Emits a warning for each threshold the confirmation took a fund across, once ever."""
    policy = await repo.policy(uow.session, row.county_code)
    for check in checks:
        crossed = budgets.thresholds_crossed(
            policy.thresholds_percent,
            budget_fen=check.budget_fen,
            before_fen=check.committed_fen,
            after_fen=check.would_be_fen,
        )
        for threshold in crossed:
            await _warn_once(uow, row, check, threshold)


async def _warn_once(uow: UnitOfWork, row: Statement, check: BudgetCheck, threshold: int) -> None:
    values = {
        "division_code": check.division_code,
        "year": check.year,
        "funding_source": check.funding_source,
        "threshold_percent": threshold,
        "budget_fen": check.budget_fen,
        "committed_fen": check.would_be_fen,
        "statement_id": row.statement_id,
    }
    # The key (division, year, fund, threshold) keeps a retry, or a use that falls back under
    # the threshold and crosses it again, from warning twice.
    if await repo.add_warning(uow.session, values):
        uow.emit(
            FundBudgetThresholdReached(
                division_code=check.division_code,
                year=check.year,
                funding_source=FundingSource(check.funding_source),
                threshold_percent=threshold,
                budget_fen=check.budget_fen,
                committed_fen=check.would_be_fen,
            )
        )
