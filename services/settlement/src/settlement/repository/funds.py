"""Yearly budgets per fund, the locality's assistance total, and what statements use of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.statements import COMMITTED, StatementStatus
from settlement.orm import assistance_fund_total, funding_budget, statement, statement_source_total

b, s, t = funding_budget.c, statement.c, statement_source_total.c


async def set_budget(session: AsyncSession, values: dict[str, Any]) -> None:
    """Sets (or replaces) one fund's yearly budget for a county or township."""
    stmt = pg_insert(funding_budget).values(**values, set_at=func.now())
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[b.division_code, b.year, b.funding_source],
            set_={
                "amount_fen": stmt.excluded.amount_fen,
                "set_by": stmt.excluded.set_by,
                "set_at": func.now(),
            },
        )
    )


async def set_assistance_total(session: AsyncSession, values: dict[str, Any]) -> None:
    """Sets (or replaces) the locality's total social-assistance funds for a year."""
    a = assistance_fund_total.c
    stmt = pg_insert(assistance_fund_total).values(**values, set_at=func.now())
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[a.county_code, a.year],
            set_={
                "total_fen": stmt.excluded.total_fen,
                "set_by": stmt.excluded.set_by,
                "set_at": func.now(),
            },
        )
    )


async def budgets(session: AsyncSession, division_code: str, year: int) -> dict[str, int]:
    """The division's budgets for a year, by fund."""
    rows = await session.execute(
        select(b.funding_source, b.amount_fen).where(
            b.division_code == division_code, b.year == year
        )
    )
    return {r.funding_source: r.amount_fen for r in rows}


async def spent(session: AsyncSession, division_code: str, year: int) -> dict[str, dict[str, int]]:
    """Statement totals by fund in a county or township for a year: committed (confirmed or
    paid), held for the county's budget approval, and in draft."""
    where = (
        s.county_code == division_code
        if len(division_code) == 6
        else s.township_code == division_code
    )
    committed = func.sum(t.amount_fen).filter(s.status.in_(COMMITTED))
    held = func.sum(t.amount_fen).filter(s.status == StatementStatus.HELD.value)
    drafted = func.sum(t.amount_fen).filter(s.status == StatementStatus.DRAFT.value)
    rows = await session.execute(
        select(
            t.funding_source,
            committed.label("committed"),
            held.label("held"),
            drafted.label("drafted"),
        )
        .select_from(statement_source_total.join(statement, t.statement_id == s.statement_id))
        .where(where, s.period.like(f"{year:04d}%"))
        .group_by(t.funding_source)
    )
    kinds = ("committed", "held", "drafted")
    return {r.funding_source: {k: int(getattr(r, k) or 0) for k in kinds} for r in rows}
