"""Service orders: one approved item of one recipient at one provider."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.domain.orders import Order, OrderStatus
from dispatch.orm import order_change, service_order

o = service_order.c


def _order(row: RowMapping) -> Order:
    """The domain's order from its row."""
    return Order(**{**row, "status": OrderStatus(row["status"])})


async def insert(session: AsyncSession, values: dict[str, Any]) -> None:
    """Adds an order."""
    await session.execute(service_order.insert().values(**values))


async def get(
    session: AsyncSession, order_id: uuid.UUID, *, for_update: bool = False
) -> Order | None:
    """One order (locked for the change that follows, when asked)."""
    stmt = select(service_order).where(o.order_id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _order(row)


async def change(session: AsyncSession, order_id: uuid.UUID, values: dict[str, Any]) -> Order:
    """Applies a change, bumps the version, and returns the order as it now stands."""
    stmt = (
        update(service_order)
        .where(o.order_id == order_id)
        .values(**values, version=o.version + 1, updated_at=func.now())
        .returning(service_order)
    )
    return _order((await session.execute(stmt)).mappings().one())


async def of_recipient(session: AsyncSession, recipient_id: uuid.UUID) -> list[Order]:
    """Every order of a recipient, locked in id order for the status change that follows."""
    stmt = (
        select(service_order)
        .where(o.recipient_id == recipient_id)
        .order_by(o.order_id)
        .with_for_update()
    )
    return [_order(row) for row in (await session.execute(stmt)).mappings()]


async def hold(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Share-locks orders in id order (a status change being applied is seen whole or not yet);
    returns the people they serve."""
    stmt = (
        select(o.person_id)
        .where(o.order_id.in_(sorted(set(order_ids))))
        .order_by(o.order_id)
        .with_for_update(read=True)
    )
    return list((await session.scalars(stmt)).all())


async def decliners(session: AsyncSession, referral_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Providers that declined this referral before: it is not offered to them again."""
    stmt = select(o.provider_id).where(
        o.referral_id == referral_id, o.status == OrderStatus.DECLINED, o.provider_id.is_not(None)
    )
    return frozenset((await session.scalars(stmt)).all())


async def listed(
    session: AsyncSession, *, where: Sequence[Any], page: int, size: int
) -> tuple[Sequence[Order], int]:
    """A page of orders matching ``where``, newest first."""
    total = await session.scalar(select(func.count()).select_from(service_order).where(*where))
    stmt = select(service_order).where(*where).order_by(o.created_at.desc(), o.order_id)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [_order(row) for row in rows], int(total or 0)


async def of_township(
    session: AsyncSession,
    township_code: str,
    *,
    status: OrderStatus | None,
    queue_only: bool,
    page: int,
    size: int,
    recipient_id: uuid.UUID | None = None,
) -> tuple[Sequence[Order], int]:
    """A page of a township's orders, or of its queue, newest first."""
    where = in_queue(township_code) if queue_only else [o.township_code == township_code]
    if status is not None:
        where.append(o.status == status.value)
    if recipient_id is not None:
        where.append(o.recipient_id == recipient_id)
    return await listed(session, where=where, page=page, size=size)


async def of_provider(
    session: AsyncSession, provider_code: str, *, status: OrderStatus | None, page: int, size: int
) -> tuple[Sequence[Order], int]:
    """A page of one provider's orders, newest first."""
    where = [o.provider_code == provider_code]
    if status is not None:
        where.append(o.status == status.value)
    return await listed(session, where=where, page=page, size=size)


def in_queue(township_code: str) -> list[Any]:
    """Conditions of a township's queue: unplaced orders, unanswered escalated ones, accepted
    ones their provider declined on its topic, and orders whose change the provider did not
    acknowledge in time."""
    ch = order_change.c
    unacknowledged = exists().where(
        ch.order_id == o.order_id, ch.escalated_at.is_not(None), ch.acknowledged_at.is_(None)
    )
    declined_late = (
        (o.status == OrderStatus.ACCEPTED)
        & o.escalated_at.is_not(None)
        & o.decline_reason_code.is_not(None)
    )
    waiting = or_(
        o.status == OrderStatus.QUEUED,
        (o.status == OrderStatus.ASSIGNED) & o.escalated_at.is_not(None),
        declined_late,
        unacknowledged,
    )
    return [o.township_code == township_code, waiting]


async def overdue(session: AsyncSession, now: datetime, limit: int) -> list[Order]:
    """Assigned orders whose answer is late, locked so one replica escalates each once."""
    stmt = (
        select(service_order)
        .where(o.status == OrderStatus.ASSIGNED, o.escalated_at.is_(None), o.respond_by <= now)
        .order_by(o.respond_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [_order(row) for row in (await session.execute(stmt)).mappings()]
