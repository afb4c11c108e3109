"""Service orders: one approved item of one recipient at one provider."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.domain.orders import OrderStatus
from dispatch.orm import order_change, service_order

o = service_order.c


async def insert(session: AsyncSession, values: dict[str, Any]) -> None:
    """Adds an order."""
    await session.execute(service_order.insert().values(**values))


async def get(
    session: AsyncSession, order_id: uuid.UUID, *, for_update: bool = False
) -> RowMapping | None:
    """One order (locked for the change that follows, when asked)."""
    stmt = select(service_order).where(o.order_id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).mappings().first()


async def change(session: AsyncSession, order_id: uuid.UUID, values: dict[str, Any]) -> RowMapping:
    """Applies a change, bumps the version, and returns the order as it now stands."""
    stmt = (
        update(service_order)
        .where(o.order_id == order_id)
        .values(**values, version=o.version + 1, updated_at=func.now())
        .returning(service_order)
    )
    return (await session.execute(stmt)).mappings().one()


async def of_recipient(session: AsyncSession, recipient_id: uuid.UUID) -> list[RowMapping]:
    """Every order of a recipient, locked in id order for the status change that follows."""
    stmt = (
        select(service_order)
        .where(o.recipient_id == recipient_id)
        .order_by(o.order_id)
        .with_for_update()
    )
    return list((await session.execute(stmt)).mappings().all())


async def hold(session: AsyncSession, order_ids: Sequence[uuid.UUID]) -> None:
    """Share-locks orders in id order: a status change being applied is seen whole or not yet."""
    stmt = (
        select(o.order_id)
        .where(o.order_id.in_(sorted(set(order_ids))))
        .order_by(o.order_id)
        .with_for_update(read=True)
    )
    await session.execute(stmt)


async def decliners(session: AsyncSession, referral_id: uuid.UUID) -> frozenset[uuid.UUID]:
    """Providers that declined this referral before: it is not offered to them again."""
    stmt = select(o.provider_id).where(
        o.referral_id == referral_id, o.status == OrderStatus.DECLINED, o.provider_id.is_not(None)
    )
    return frozenset((await session.scalars(stmt)).all())


async def listed(
    session: AsyncSession, *, where: Sequence[Any], page: int, size: int
) -> tuple[Sequence[RowMapping], int]:
    """A page of orders matching ``where``, newest first."""
    total = await session.scalar(select(func.count()).select_from(service_order).where(*where))
    stmt = select(service_order).where(*where).order_by(o.created_at.desc(), o.order_id)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings().all()
    return rows, int(total or 0)


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


async def overdue(session: AsyncSession, now: datetime, limit: int) -> list[RowMapping]:
    """Assigned orders whose answer is late, locked so one replica escalates each once."""
    stmt = (
        select(service_order)
        .where(o.status == OrderStatus.ASSIGNED, o.escalated_at.is_(None), o.respond_by <= now)
        .order_by(o.respond_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).mappings().all())
