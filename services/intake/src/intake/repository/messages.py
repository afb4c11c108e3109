"""Messages to applicants' phones: civic.notify's SQL on intake's message tables (orm.py),
and the phone an applicant gave with their application, for one who set no preference."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civic.notify import store
from civic.notify.model import Message, Outgoing, Preference
from civic.notify.rules import ChannelKind, QuietHours
from intake.adapters.sealing import PHONE, open_text
from intake.orm import application, message_tables


async def enqueue(session: AsyncSession, messages: list[Outgoing], *, now: datetime) -> int:
    """Adds messages in the caller's transaction (one per cause); returns how many were new."""
    return await store.enqueue(session, message_tables, messages, now=now)


async def applicant_preference(
    session: AsyncSession, message: Message, *, quiet: QuietHours | None
) -> Preference | None:
    """The person's phone from their latest application that has one (opened only for this
    send), as an SMS preference with intake's default quiet hours; None if there is none."""
    try:
        person_id = uuid.UUID(message.user_id)
    except ValueError:
        return None
    a = application.c
    stmt = (
        select(a.application_id, a.village_code, a.applicant_phone)
        .where(a.person_id == person_id, a.applicant_phone.is_not(None))
        .order_by(a.submitted_at.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    phone = open_text(row.applicant_phone, purpose=PHONE, row=row.application_id)
    if not phone:
        return None
    return Preference(message.user_id, row.village_code, ChannelKind.SMS, phone, quiet)
