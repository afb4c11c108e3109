"""Doorbells, their alerts, every notice sent, every acknowledgement, and duty lists."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.domain.doorbell import Contact
from dispatch.orm import alert_ack, alert_notice, doorbell, doorbell_alert, township_duty

a = doorbell_alert.c


async def register(session: AsyncSession, values: dict[str, Any]) -> None:
    """Registers (or re-registers) a household's doorbell."""
    stmt = pg_insert(doorbell).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k != "device_id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["device_id"], set_=fields))


async def device(session: AsyncSession, device_id: str) -> RowMapping | None:
    """One registered doorbell."""
    stmt = select(doorbell).where(doorbell.c.device_id == device_id)
    return (await session.execute(stmt)).mappings().first()


async def alert_by_press(session: AsyncSession, press_id: str) -> RowMapping | None:
    """The alert a press raised (the gateway may send a press twice)."""
    stmt = select(doorbell_alert).where(a.press_id == press_id)
    return (await session.execute(stmt)).mappings().first()


async def alert(
    session: AsyncSession, alert_id: uuid.UUID, *, for_update: bool = False
) -> RowMapping | None:
    """One alert."""
    stmt = select(doorbell_alert).where(a.alert_id == alert_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).mappings().first()


async def add_alert(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps a press and the alert it raised."""
    await session.execute(doorbell_alert.insert().values(**values))


async def add_notices(
    session: AsyncSession, alert_id: uuid.UUID, contacts: Iterable[Contact], purpose: str
) -> None:
    """Keeps each notice sent for an alert (to a helper, coordinator or duty officer)."""
    rows = [
        {"alert_id": alert_id, "user_id": c.user_id, "channel": c.channel.value, "purpose": purpose}
        for c in contacts
    ]
    if rows:
        await session.execute(alert_notice.insert(), rows)


async def notices(session: AsyncSession, alert_id: uuid.UUID) -> list[RowMapping]:
    """Every notice of an alert, in order."""
    stmt = select(alert_notice).where(alert_notice.c.alert_id == alert_id)
    return list((await session.execute(stmt.order_by(alert_notice.c.id))).mappings().all())


async def add_ack(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps one acknowledgement."""
    await session.execute(alert_ack.insert().values(**values))


async def acks(session: AsyncSession, alert_id: uuid.UUID) -> list[RowMapping]:
    """Every acknowledgement of an alert, in order."""
    stmt = select(alert_ack).where(alert_ack.c.alert_id == alert_id)
    return list((await session.execute(stmt.order_by(alert_ack.c.id))).mappings().all())


async def mark(session: AsyncSession, alert_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Changes an alert's state columns."""
    await session.execute(update(doorbell_alert).where(a.alert_id == alert_id).values(**values))


async def unanswered(session: AsyncSession, now: datetime, limit: int) -> list[RowMapping]:
    """Alerts past their answer time with no answer, locked so each escalates once."""
    stmt = (
        select(doorbell_alert)
        .where(a.acknowledged_at.is_(None), a.escalated_at.is_(None), a.answer_by <= now)
        .order_by(a.answer_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).mappings().all())


async def set_duty(session: AsyncSession, township_code: str, members: list[Contact]) -> None:
    """Replaces a township's duty list."""
    await session.execute(
        delete(township_duty).where(township_duty.c.township_code == township_code)
    )
    if members:
        rows = [
            {"township_code": township_code, "user_id": m.user_id, "channel": m.channel.value}
            for m in members
        ]
        await session.execute(township_duty.insert(), rows)


async def duty(session: AsyncSession, township_code: str) -> list[RowMapping]:
    """A township's duty list."""
    t = township_duty.c
    stmt = select(township_duty).where(t.township_code == township_code).order_by(t.user_id)
    return list((await session.execute(stmt)).mappings().all())
