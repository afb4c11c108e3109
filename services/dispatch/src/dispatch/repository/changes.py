"""Order changes told to providers, and whether each provider acknowledged in time."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.domain.orders import OrderChange, PendingChange
from dispatch.orm import order_change, service_order

c = order_change.c
o = service_order.c


def _change(row: RowMapping | None) -> OrderChange | None:
    return None if row is None else OrderChange(**row)


async def expect(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps a change that awaits the provider's acknowledgement."""
    await session.execute(order_change.insert().values(**values))


async def get(session: AsyncSession, change_id: uuid.UUID) -> OrderChange | None:
    """One change, by the event id of its notice."""
    stmt = select(order_change).where(c.change_id == change_id)
    return _change((await session.execute(stmt)).mappings().first())


async def latest(
    session: AsyncSession, order_id: uuid.UUID, up_to_version: int
) -> OrderChange | None:
    """The order's newest change at or before ``up_to_version``, if any."""
    stmt = (
        select(order_change)
        .where(c.order_id == order_id, c.order_version <= up_to_version)
        .order_by(c.order_version.desc())
        .limit(1)
    )
    return _change((await session.execute(stmt)).mappings().first())


async def acknowledge(
    session: AsyncSession, order_id: uuid.UUID, up_to_version: int, values: dict[str, Any]
) -> None:
    """Marks the order's unacknowledged changes up to ``up_to_version`` as acknowledged."""
    stmt = update(order_change).where(
        c.order_id == order_id, c.order_version <= up_to_version, c.acknowledged_at.is_(None)
    )
    await session.execute(stmt.values(**values))


async def of_order(session: AsyncSession, order_id: uuid.UUID) -> list[OrderChange]:
    """Every change of one order, oldest first."""
    stmt = select(order_change).where(c.order_id == order_id).order_by(c.order_version)
    return [OrderChange(**row) for row in (await session.execute(stmt)).mappings()]


async def pending_of_township(
    session: AsyncSession, township_code: str, *, page: int, size: int
) -> tuple[list[PendingChange], int]:
    """A page of the township's changes no provider acknowledged yet, oldest first."""
    joined = order_change.join(service_order, o.order_id == c.order_id)
    where = (o.township_code == township_code, c.acknowledged_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(joined).where(*where))
    about = (o.person_id, o.recipient_id, o.display_name, o.village_code, o.item_code)
    stmt = (
        select(order_change, *about)
        .select_from(joined)
        .where(*where)
        .order_by(c.created_at, c.change_id)
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = (await session.execute(stmt)).mappings()
    return [_pending(row) for row in rows], int(total or 0)


def _pending(row: RowMapping) -> PendingChange:
    change = OrderChange(**{col.name: row[col.name] for col in order_change.columns})
    about = ("person_id", "recipient_id", "display_name", "village_code", "item_code")
    return PendingChange(change, *(row[name] for name in about))


async def overdue(session: AsyncSession, now: datetime, limit: int) -> list[OrderChange]:
    """Changes nobody acknowledged in time, locked so one replica escalates each once."""
    stmt = (
        select(order_change)
        .where(c.acknowledged_at.is_(None), c.escalated_at.is_(None), c.acknowledge_by <= now)
        .order_by(c.acknowledge_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [OrderChange(**row) for row in (await session.execute(stmt)).mappings()]


async def mark_escalated(session: AsyncSession, change_id: uuid.UUID, now: datetime) -> None:
    """Records that the change went to the township."""
    stmt = update(order_change).where(c.change_id == change_id).values(escalated_at=now)
    await session.execute(stmt)


async def unacknowledged_counts(
    session: AsyncSession, now: datetime
) -> list[tuple[str, str, bool, int]]:
    """(kind, reason code, escalated, how many) of changes past their deadline unacknowledged."""
    escalated = c.escalated_at.is_not(None)
    stmt = (
        select(c.kind, c.reason_code, escalated, func.count())
        .where(c.acknowledged_at.is_(None), c.acknowledge_by <= now)
        .group_by(c.kind, c.reason_code, escalated)
    )
    return [(kind, reason, bool(up), int(n)) for kind, reason, up, n in await session.execute(stmt)]
