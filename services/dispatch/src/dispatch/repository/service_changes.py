"""Changes of a recipient's services (issue 20): the log of changes, the version held, and
the items kept while the recipient is suspended."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import RowMapping, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.orm import recipient
from dispatch.orm_living import pending_item, services_change

c = services_change.c


async def log(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Keeps a change once; False if this services version was received before."""
    stmt = pg_insert(services_change).values(**values).on_conflict_do_nothing()
    return (await session.execute(stmt.returning(c.services_version))).first() is not None


async def held_version(session: AsyncSession, recipient_id: uuid.UUID) -> int | None:
    """The services version held, or None before the recipient's approval."""
    stmt = select(recipient.c.services_version).where(recipient.c.recipient_id == recipient_id)
    found: int | None = await session.scalar(stmt)
    return found


async def waiting(session: AsyncSession, recipient_id: uuid.UUID) -> list[dict[str, Any]]:
    """Payloads of the changes not yet applied (they came before the approval), oldest first."""
    stmt = (
        select(c.payload)
        .where(c.recipient_id == recipient_id, c.applied_at.is_(None))
        .order_by(c.services_version)
    )
    return [dict(p) for p in (await session.scalars(stmt)).all()]


async def applied(
    session: AsyncSession, recipient_id: uuid.UUID, version: int, *, ends_temporary_care: bool
) -> None:
    """Notes the change took effect: the version held, and an emergency no longer time-boxed."""
    values: dict[str, Any] = {"services_version": version}
    if ends_temporary_care:
        values["temporary_until"] = None
    await session.execute(
        update(recipient).where(recipient.c.recipient_id == recipient_id).values(**values)
    )
    await session.execute(
        update(services_change)
        .where(c.recipient_id == recipient_id, c.services_version == version)
        .values(applied_at=func.now())
    )


async def keep_pending(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps (or replaces) an item to be placed when the recipient's suspension ends."""
    stmt = pg_insert(pending_item).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k not in ("recipient_id", "item_code")}
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[pending_item.c.recipient_id, pending_item.c.item_code], set_=fields
        )
    )


async def pending_of(session: AsyncSession, recipient_id: uuid.UUID) -> list[RowMapping]:
    """The items kept while the recipient was suspended, by item."""
    p = pending_item.c
    stmt = select(pending_item).where(p.recipient_id == recipient_id).order_by(p.item_code)
    return list((await session.execute(stmt)).mappings().all())


async def drop_pending(
    session: AsyncSession, recipient_id: uuid.UUID, item_codes: Iterable[str]
) -> None:
    """Forgets kept items (removed meanwhile, or placed now)."""
    p = pending_item.c
    codes = list(item_codes)
    if codes:
        await session.execute(
            delete(pending_item).where(p.recipient_id == recipient_id, p.item_code.in_(codes))
        )
