"""Negative statements: carried into the same provider's and purchaser's next period.

A draft whose total is negative (reversals after its month closed) cannot be paid: the
township confirms it as *carried*. Its amounts, one row per fund, go to the next period of
the same township and provider whose statement is still open (skipping closed ones and
closed years); that period's settlement takes them as adjustment lines of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic.errors import Conflict
from civic.uow import UnitOfWork
from contracts.kinds import StatementPeriod
from contracts.settlement import StatementCarried
from settlement.domain.months import next_month, period_year
from settlement.domain.statements import CLOSED, SourceTotal, Statement, StatementStatus
from settlement.handlers import statements as statement_cases
from settlement.repository import locks, statements
from settlement.repository import year_end as closed_years


def following(kind: str, period: str) -> str:
    """The period after ``period``: the next month, or the next year for an annual one."""
    if kind == StatementPeriod.ANNUAL.value:
        return f"{int(period) + 1:04d}"
    return next_month(period)


def first_of_next_year(kind: str, period: str) -> str:
    """The first period of the year after ``period``'s year (January, or the year itself)."""
    year = period_year(period) + 1
    return f"{year:04d}" if kind == StatementPeriod.ANNUAL.value else f"{year:04d}-01"


async def carry_statement(
    uow: UnitOfWork, row: Statement, *, user: str, now: datetime
) -> Statement:
    """Confirms a current, negative draft as carried into its next open period (one event)."""
    # The same lock confirming takes: lines being posted to this period are waited for.
    await locks.lock(uow.session, "statement", row.township_code, row.provider_id, row.period)
    await _ensure_current(uow, row)
    into = await _into_period(uow, row)
    totals = await statements.source_totals(uow.session, row.statement_id)
    rows = [_carry_row(row, total, into, user) for total in totals if total.amount_fen != 0]
    await statements.add_carries(uow.session, rows)
    done = await statements.set_status(
        uow.session,
        row.statement_id,
        {"status": StatementStatus.CARRIED.value, "confirmed_by": user, "confirmed_at": now},
    )
    uow.emit(
        StatementCarried(
            **statement_cases.event_key(done),
            amount_fen=done.total_fen,
            into_period=into,
            confirmed_by=user,
        )
    )
    await uow.commit()
    return done


async def _ensure_current(uow: UnitOfWork, row: Statement) -> None:
    """As confirming does: the stored totals must still be what the ledger adds up to."""
    fresh = await statements.recompute(uow.session, row.statement_id)
    if (fresh.line_count, fresh.total_fen) != (row.line_count, row.total_fen):
        raise Conflict(
            "台账在结算单生成后有新的记录，请重新生成结算单后再确认",
            code="statement_stale",
            extra={"statement_lines": row.line_count, "ledger_lines": fresh.line_count},
        )


async def _into_period(uow: UnitOfWork, row: Statement) -> str:
    """The first later period whose statement is still open, held open until we commit."""
    period = following(row.period_kind, row.period)
    while True:
        if await closed_years.is_closed(uow.session, row.county_code, period_year(period)):
            period = first_of_next_year(row.period_kind, period)
            continue
        # Shared, like posting a line: confirming that period waits for the carry and sees it.
        key = (row.township_code, row.provider_id, period)
        await locks.lock_all(uow.session, "statement", [key], shared=True)
        status = await statements.status_of(
            uow.session,
            township_code=row.township_code,
            provider_id=row.provider_id,
            kind=row.period_kind,
            period=period,
        )
        if status not in CLOSED:
            return period
        period = following(row.period_kind, period)


def _carry_row(row: Statement, total: SourceTotal, into: str, user: str) -> dict[str, Any]:
    return {
        "from_statement_id": row.statement_id,
        "funding_source": total.funding_source,
        "county_code": row.county_code,
        "township_code": row.township_code,
        "provider_id": row.provider_id,
        "provider_code": row.provider_code,
        "period_kind": row.period_kind,
        "from_period": row.period,
        "into_period": into,
        "amount_fen": total.amount_fen,
        "carried_by": user,
    }
