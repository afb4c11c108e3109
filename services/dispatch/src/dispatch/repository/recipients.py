"""Recipients as review approved them, their contact details, and who looked at them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.orm import contact_access, recipient, recipient_contact


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


async def get(session: AsyncSession, recipient_id: uuid.UUID) -> RowMapping | None:
    """One recipient."""
    stmt = select(recipient).where(recipient.c.recipient_id == recipient_id)
    return (await session.execute(stmt)).mappings().first()


async def set_contact(session: AsyncSession, values: dict[str, Any]) -> None:
    """Records or replaces a recipient's contact details."""
    stmt = pg_insert(recipient_contact).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k != "recipient_id"}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[recipient_contact.c.recipient_id],
            set_={**fields, "updated_at": func.now()},
        )
    )


async def contact(session: AsyncSession, recipient_id: uuid.UUID) -> RowMapping | None:
    """A recipient's contact details, if any were recorded."""
    stmt = select(recipient_contact).where(recipient_contact.c.recipient_id == recipient_id)
    return (await session.execute(stmt)).mappings().first()


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


async def accesses(session: AsyncSession, order_id: uuid.UUID) -> list[RowMapping]:
    """Every read of contact details through one order, oldest first."""
    c = contact_access.c
    stmt = select(contact_access).where(c.order_id == order_id).order_by(c.id)
    return list((await session.execute(stmt)).mappings().all())
