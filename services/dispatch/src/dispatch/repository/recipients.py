"""Recipients as review approved them, their contact details, and who looked at them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.adapters.sealing import open_values, seal_values
from dispatch.domain.recipients import ContactAccess, Recipient, RecipientContact
from dispatch.orm import (
    contact_access,
    recipient,
    recipient_contact,
    recipient_status_change,
    service_order,
)

sc = recipient_status_change.c


async def lock(session: AsyncSession, recipient_id: uuid.UUID) -> None:
    """Serialises an approval and the status changes of one recipient (topics race)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"dispatch-recipient:{recipient_id}"},
    )


async def lock_of_order(session: AsyncSession, order_id: uuid.UUID) -> None:
    """Takes the lock of the recipient an order serves (``lock``), before the order's own lock:
    the same order as a status change, so an order written under it is seen by the change."""
    stmt = select(service_order.c.recipient_id).where(service_order.c.order_id == order_id)
    recipient_id = await session.scalar(stmt)
    if recipient_id is not None:
        await lock(session, recipient_id)


async def status_of(session: AsyncSession, recipient_id: uuid.UUID) -> str | None:
    """The recipient's status as review last told it, or None before the approval."""
    stmt = select(recipient.c.status).where(recipient.c.recipient_id == recipient_id)
    found: str | None = await session.scalar(stmt)
    return found


async def medical_needed(session: AsyncSession, recipient_id: uuid.UUID) -> bool:
    """Whether only a medical institution may give the recipient health or institutional care."""
    stmt = select(recipient.c.medical_institution_needed).where(
        recipient.c.recipient_id == recipient_id
    )
    return bool(await session.scalar(stmt))


async def keep_newer(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores an approved recipient unless an equal or newer version is held; True if stored."""
    insert = pg_insert(recipient).values(**values)
    changed = {k: insert.excluded[k] for k in values if k != "recipient_id"}
    upsert = insert.on_conflict_do_update(
        index_elements=[recipient.c.recipient_id],
        set_=changed,
        where=recipient.c.version < insert.excluded.version,
    )
    return (await session.execute(upsert.returning(recipient.c.recipient_id))).first() is not None


async def get(session: AsyncSession, recipient_id: uuid.UUID) -> Recipient | None:
    """One recipient."""
    stmt = select(recipient).where(recipient.c.recipient_id == recipient_id)
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else Recipient(**row)


async def change(session: AsyncSession, recipient_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Applies a status change to the recipient row."""
    stmt = update(recipient).where(recipient.c.recipient_id == recipient_id).values(**values)
    await session.execute(stmt)


async def ended_on(session: AsyncSession, recipient_id: uuid.UUID) -> date | None:
    """The day the recipient's aid ended (stopped, deceased), or None."""
    stmt = select(recipient.c.ended_on).where(recipient.c.recipient_id == recipient_id)
    found: date | None = await session.scalar(stmt)
    return found


async def log_change(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Keeps a status change once; False if this version was received before."""
    stmt = pg_insert(recipient_status_change).values(**values).on_conflict_do_nothing()
    return (await session.execute(stmt.returning(sc.version))).first() is not None


async def waiting_changes(session: AsyncSession, recipient_id: uuid.UUID) -> list[RowMapping]:
    """Status changes that arrived before the approval, oldest first."""
    stmt = (
        select(recipient_status_change)
        .where(sc.recipient_id == recipient_id, sc.applied_at.is_(None))
        .order_by(sc.version)
    )
    return list((await session.execute(stmt)).mappings().all())


async def mark_applied(session: AsyncSession, recipient_id: uuid.UUID, version: int) -> None:
    """Records that a status change took effect."""
    stmt = update(recipient_status_change).where(
        sc.recipient_id == recipient_id, sc.version == version
    )
    await session.execute(stmt.values(applied_at=func.now()))


async def set_contact(session: AsyncSession, values: dict[str, Any]) -> None:
    """Records or replaces a recipient's contact details (sealed for the recipient's row)."""
    sealed = seal_values(recipient_contact, values, row=values["recipient_id"])
    stmt = pg_insert(recipient_contact).values(**sealed)
    fields = {k: stmt.excluded[k] for k in values if k != "recipient_id"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[recipient_contact.c.recipient_id],
            set_={**fields, "updated_at": func.now()},
        )
    )


async def contact(session: AsyncSession, recipient_id: uuid.UUID) -> RecipientContact | None:
    """A recipient's contact details, if any were recorded."""
    c = recipient_contact.c
    stmt = select(c.address, c.phone, c.emergency_contact, c.notes_zh).where(
        c.recipient_id == recipient_id
    )
    row = (await session.execute(stmt)).mappings().first()
    if row is None:
        return None
    return RecipientContact(**open_values(recipient_contact, row, row=recipient_id))


async def log_access(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    recipient_id: uuid.UUID,
    provider_code: str,
    user_id: str,
) -> None:
    """Keeps who read a recipient's contact details, for which order."""
    await session.execute(
        contact_access.insert().values(
            order_id=order_id,
            recipient_id=recipient_id,
            provider_code=provider_code,
            user_id=user_id,
        )
    )


async def accesses(session: AsyncSession, order_id: uuid.UUID) -> list[ContactAccess]:
    """Every read of contact details through one order, oldest first."""
    c = contact_access.c
    stmt = (
        select(c.user_id, c.provider_code, c.accessed_at)
        .where(c.order_id == order_id)
        .order_by(c.id)
    )
    return [ContactAccess(**row) for row in (await session.execute(stmt)).mappings()]
