"""Budgets that bind: the county's policy, committed spending, holds and warnings reached."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import RowMapping, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.budgets import BudgetCheck, BudgetHold, BudgetMode, BudgetPolicy
from settlement.domain.statements import COMMITTED
from settlement.orm import funding_budget, statement, statement_source_total
from settlement.orm.budgets import budget_approval, budget_policy, budget_warning

b, s, t = funding_budget.c, statement.c, statement_source_total.c
p, a = budget_policy.c, budget_approval.c


async def policy(session: AsyncSession, county_code: str) -> BudgetPolicy:
    """The county's budget policy (the default when it has set none)."""
    query = select(p.mode, p.thresholds_percent).where(p.county_code == county_code)
    row = (await session.execute(query)).first()
    if row is None:
        return BudgetPolicy(county_code)
    return BudgetPolicy(county_code, BudgetMode(row.mode), tuple(row.thresholds_percent))


async def set_policy(session: AsyncSession, values: dict[str, Any]) -> None:
    """Sets (or replaces) a county's budget policy."""
    stmt = pg_insert(budget_policy).values(**values, set_at=func.now())
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[p.county_code],
            set_={
                "mode": stmt.excluded.mode,
                "thresholds_percent": stmt.excluded.thresholds_percent,
                "set_by": stmt.excluded.set_by,
                "set_at": func.now(),
            },
        )
    )


async def budgets_of(
    session: AsyncSession, keys: Iterable[tuple[str, str]], year: int
) -> dict[tuple[str, str], int]:
    """The budgets set for these (division, fund) pairs in a year."""
    wanted = list(keys)
    if not wanted:
        return {}
    rows = await session.execute(
        select(b.division_code, b.funding_source, b.amount_fen).where(
            b.year == year, tuple_(b.division_code, b.funding_source).in_(wanted)
        )
    )
    return {(r.division_code, r.funding_source): r.amount_fen for r in rows}


async def committed(session: AsyncSession, division_code: str, year: int, source: str) -> int:
    """What confirmed or paid statements of a county or township commit from a fund in a year."""
    where = (
        s.county_code == division_code
        if len(division_code) == 6
        else s.township_code == division_code
    )
    query = (
        select(func.coalesce(func.sum(t.amount_fen), 0))
        .select_from(statement_source_total.join(statement, t.statement_id == s.statement_id))
        .where(
            where,
            s.status.in_(COMMITTED),
            s.period.like(f"{year:04d}%"),
            t.funding_source == source,
        )
    )
    return int((await session.execute(query)).scalar_one())


async def add_hold(session: AsyncSession, values: dict[str, Any]) -> None:
    """Records that a statement is held for the county's budget approval."""
    await session.execute(budget_approval.insert().values(approval_id=uuid.uuid4(), **values))


async def open_hold(session: AsyncSession, statement_id: uuid.UUID) -> RowMapping | None:
    """The statement's hold still waiting for the county's decision, if any."""
    query = select(budget_approval).where(a.statement_id == statement_id, a.decided_by.is_(None))
    return (await session.execute(query.order_by(a.requested_at.desc()))).mappings().first()


async def open_holds(
    session: AsyncSession, statement_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, BudgetHold]:
    """The holds of these statements still waiting for the county (the newest of each)."""
    query = (
        select(budget_approval)
        .where(a.statement_id.in_(statement_ids), a.decided_by.is_(None))
        .order_by(a.statement_id, a.requested_at.desc())
        .ext(distinct_on(a.statement_id))
    )
    rows = (await session.execute(query)).mappings()
    return {row["statement_id"]: _hold(row) for row in rows}


def _hold(row: RowMapping) -> BudgetHold:
    figures = {name: row[name] for name in ("division_code", "funding_source", "year")}
    amounts = {name: row[name] for name in ("budget_fen", "committed_fen", "statement_fen")}
    return BudgetHold(BudgetCheck(**figures, **amounts), row["requested_by"], row["requested_at"])


async def decide(session: AsyncSession, approval_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Records the county's decision on a hold."""
    await session.execute(
        update(budget_approval).where(a.approval_id == approval_id).values(**values)
    )


async def add_warning(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Records a threshold reached; False when it had been reached (and warned of) before."""
    stmt = pg_insert(budget_warning).values(**values).on_conflict_do_nothing()
    done = await session.execute(stmt.returning(budget_warning.c.threshold_percent))
    return done.first() is not None
