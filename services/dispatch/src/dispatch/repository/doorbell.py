"""Doorbells, their alerts, every notice sent, every acknowledgement, and duty lists."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.kinds import AlertChannel
from dispatch.domain.doorbell import (
    Alert,
    AlertAnswer,
    AlertNotice,
    AlertState,
    Contact,
    Doorbell,
    ListedAlert,
)
from dispatch.orm import (
    alert_ack,
    alert_notice,
    doorbell,
    doorbell_alert,
    recipient,
    township_duty,
)

a = doorbell_alert.c


def _doorbell(row: RowMapping) -> Doorbell:
    return Doorbell(**{**row, "coordinator_channel": AlertChannel(row["coordinator_channel"])})


def _alert(row: RowMapping | None) -> Alert | None:
    return None if row is None else Alert(**row)


async def register(session: AsyncSession, values: dict[str, Any]) -> None:
    """Registers (or re-registers) a household's doorbell."""
    stmt = pg_insert(doorbell).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k != "device_id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["device_id"], set_=fields))


async def device(session: AsyncSession, device_id: str) -> Doorbell | None:
    """One registered doorbell."""
    stmt = select(doorbell).where(doorbell.c.device_id == device_id)
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _doorbell(row)


async def alert_by_press(session: AsyncSession, press_id: str) -> Alert | None:
    """The alert a press raised (the gateway may send a press twice)."""
    stmt = select(doorbell_alert).where(a.press_id == press_id)
    return _alert((await session.execute(stmt)).mappings().first())


async def alert(
    session: AsyncSession, alert_id: uuid.UUID, *, for_update: bool = False
) -> Alert | None:
    """One alert."""
    stmt = select(doorbell_alert).where(a.alert_id == alert_id)
    if for_update:
        stmt = stmt.with_for_update()
    return _alert((await session.execute(stmt)).mappings().first())


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


async def notices(session: AsyncSession, alert_id: uuid.UUID) -> list[AlertNotice]:
    """Every notice of an alert, in order."""
    n = alert_notice.c
    stmt = select(n.user_id, n.channel, n.purpose).where(n.alert_id == alert_id).order_by(n.id)
    return [
        AlertNotice(row.user_id, AlertChannel(row.channel), row.purpose)
        for row in await session.execute(stmt)
    ]


async def add_ack(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps one acknowledgement."""
    await session.execute(alert_ack.insert().values(**values))


async def acks(session: AsyncSession, alert_id: uuid.UUID) -> list[AlertAnswer]:
    """Every acknowledgement of an alert, in order."""
    k = alert_ack.c
    answered = (k.user_id, k.acknowledged_at, k.seconds_to_acknowledge)
    stmt = select(*answered).where(k.alert_id == alert_id).order_by(k.id)
    return [AlertAnswer(*row) for row in await session.execute(stmt)]


async def mark(session: AsyncSession, alert_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Changes an alert's state columns."""
    await session.execute(update(doorbell_alert).where(a.alert_id == alert_id).values(**values))


async def unanswered(session: AsyncSession, now: datetime, limit: int) -> list[Alert]:
    """Alerts past their answer time with no answer, locked so each escalates once."""
    stmt = (
        select(doorbell_alert)
        .where(a.acknowledged_at.is_(None), a.escalated_at.is_(None), a.answer_by <= now)
        .order_by(a.answer_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [Alert(**row) for row in (await session.execute(stmt)).mappings()]


async def of_villages(
    session: AsyncSession,
    village_codes: Iterable[str],
    *,
    state: AlertState | None,
    page: int,
    size: int,
) -> tuple[list[ListedAlert], int]:
    """A page of the villages' alerts (open or acknowledged ones only, if asked), newest first."""
    where = [a.village_code.in_(sorted(set(village_codes)))]
    if state is AlertState.OPEN:
        where.append(a.acknowledged_at.is_(None))
    elif state is AlertState.ACKNOWLEDGED:
        where.append(a.acknowledged_at.is_not(None))
    total = await session.scalar(select(func.count()).select_from(doorbell_alert).where(*where))
    household = doorbell_alert.outerjoin(doorbell, doorbell.c.device_id == a.device_id).outerjoin(
        recipient, recipient.c.recipient_id == doorbell.c.recipient_id
    )
    stmt = (
        select(doorbell_alert, recipient.c.display_name)
        .select_from(household)
        .where(*where)
        .order_by(a.received_at.desc(), a.alert_id)
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = (await session.execute(stmt)).mappings()
    return [_listed(row) for row in rows], int(total or 0)


def _listed(row: RowMapping) -> ListedAlert:
    alert = Alert(**{col.name: row[col.name] for col in doorbell_alert.columns})
    return ListedAlert(alert, row["display_name"])


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


async def duty(session: AsyncSession, township_code: str) -> list[Contact]:
    """A township's duty list."""
    t = township_duty.c
    stmt = select(t.user_id, t.channel).where(t.township_code == township_code)
    rows = await session.execute(stmt.order_by(t.user_id))
    return [Contact(row.user_id, AlertChannel(row.channel)) for row in rows]
