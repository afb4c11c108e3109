"""Queries and writes of emergency care (救急难) records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from review.adapters.sealing import open_values, seal_values
from review.domain.access import EmergencyQuery, Scope
from review.domain.emergency import Emergency
from review.orm import emergency_care
from review.repository.common import page, plain, within

_DECIDED = ("state", "ended_at", "end_reason", "confirmed_by", "confirmed_at")


def _emergency_of(row: Any) -> Emergency:
    return Emergency.model_validate(open_values(emergency_care, row._mapping, row=row.recipient_id))


async def add_emergency(session: AsyncSession, e: Emergency) -> None:
    """Keeps a new emergency record, its reason sealed to it."""
    values = {k: plain(v) for k, v in e.model_dump(exclude={"consent"}).items()}
    consent = e.consent.model_dump(mode="json") if e.consent else None
    sealed = seal_values(emergency_care, values, row=e.recipient_id)
    await session.execute(emergency_care.insert().values(**sealed, consent=consent))


async def get_emergency(
    session: AsyncSession, recipient_id: uuid.UUID, *, lock: bool = False
) -> Emergency | None:
    """The emergency record of a recipient (locked for update when ``lock``), or None."""
    stmt = select(emergency_care).where(emergency_care.c.recipient_id == recipient_id)
    row = (await session.execute(stmt.with_for_update() if lock else stmt)).first()
    return _emergency_of(row) if row else None


async def emergency_of_application(
    session: AsyncSession, application_id: uuid.UUID, *, lock: bool = False
) -> Emergency | None:
    """The emergency opened on an application (locked for update when ``lock``), or None."""
    stmt = select(emergency_care).where(emergency_care.c.application_id == application_id)
    row = (await session.execute(stmt.with_for_update() if lock else stmt)).first()
    return _emergency_of(row) if row else None


async def save_emergency(session: AsyncSession, e: Emergency) -> None:
    """Writes how an open emergency ended or was confirmed."""
    e_ = emergency_care.c
    done = await session.execute(
        update(emergency_care)
        .where(e_.recipient_id == e.recipient_id, e_.state == "open")
        .values(**{k: getattr(e, k) for k in _DECIDED if k != "state"}, state=e.state.value)
    )
    assert done.rowcount == 1, "emergency changed under a lock"  # type: ignore[attr-defined]


async def emergencies_due(session: AsyncSession, now: datetime, *, limit: int) -> list[uuid.UUID]:
    """Open emergencies past their deadline, locked; rows another sweep holds are skipped, so
    two replicas never end the same one."""
    e_ = emergency_care.c
    stmt = (
        select(e_.recipient_id)
        .where(e_.state == "open", e_.deadline_at <= now)
        .order_by(e_.deadline_at, e_.recipient_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def list_emergencies(
    session: AsyncSession, query: EmergencyQuery, scope: Scope
) -> tuple[list[Emergency], int]:
    """One page of emergency records within ``scope``, latest opened first."""
    e_ = emergency_care.c
    stmt = select(emergency_care).where(within(emergency_care, scope))
    if query.state is not None:
        stmt = stmt.where(e_.state == query.state)
    if query.village_code is not None:
        stmt = stmt.where(e_.village_code == query.village_code)
    stmt = stmt.order_by(e_.opened_at.desc(), e_.recipient_id)
    rows, total = await page(session, stmt, query.page, query.size)
    return [_emergency_of(r) for r in rows], total
