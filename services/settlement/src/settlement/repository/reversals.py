"""Payment reversals: asked by one person, approved by another; both kept."""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.payments import PaymentReversal, ReversalState
from settlement.orm.payments import payment_reversal

r = payment_reversal.c


def _reversal(row: RowMapping) -> PaymentReversal:
    return PaymentReversal(**{f.name: row[f.name] for f in fields(PaymentReversal)})


async def pending_reversal(
    session: AsyncSession, statement_id: uuid.UUID, *, lock: bool = True
) -> PaymentReversal | None:
    """The statement's reversal waiting for a second person, if any (locked unless told)."""
    query = select(payment_reversal).where(r.statement_id == statement_id, r.status == "pending")
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return None if row is None else _reversal(row)


async def reversals(
    session: AsyncSession, township_code: str, state: ReversalState, *, limit: int, offset: int
) -> tuple[list[PaymentReversal], int]:
    """The township's reversals in a state, oldest request first, and how many there are."""
    where = [r.township_code == township_code]
    if state is not ReversalState.ALL:
        where.append(r.status == state.value)
    total = await session.execute(select(func.count()).select_from(payment_reversal).where(*where))
    query = (
        select(payment_reversal)
        .where(*where)
        .order_by(r.requested_at, r.reversal_id)
        .limit(limit)
        .offset(offset)
    )
    found = [_reversal(row) for row in (await session.execute(query)).mappings()]
    return found, int(total.scalar_one())


async def add_reversal(session: AsyncSession, values: dict[str, Any]) -> PaymentReversal:
    """Stores a reversal request."""
    stmt = payment_reversal.insert().values(**values).returning(payment_reversal)
    return _reversal((await session.execute(stmt)).mappings().one())


async def approve_reversal(
    session: AsyncSession, reversal_id: uuid.UUID, *, user: str, now: datetime
) -> PaymentReversal:
    """The second person approved the reversal."""
    stmt = (
        update(payment_reversal)
        .where(r.reversal_id == reversal_id)
        .values(status="approved", approved_by=user, approved_at=now)
        .returning(payment_reversal)
    )
    return _reversal((await session.execute(stmt)).mappings().one())
