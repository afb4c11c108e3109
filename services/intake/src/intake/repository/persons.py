"""The person registry: ID number → person_id, and the locks that keep it consistent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.orm import OPEN_STATUS_SQL, application, person


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialises transactions on one key (e.g. an Idempotency-Key) until commit."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


async def upsert_person(
    session: AsyncSession, id_number: str, name: str
) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The person_id for an ID number (new or known) and its household; locks the row."""
    insert = pg_insert(person).values(
        person_id=uuid.uuid4(), id_number=id_number, id_number_index=id_number, name=name
    )
    # DO UPDATE (not NOTHING) so the row is returned and locked against a concurrent twin.
    stmt = insert.on_conflict_do_update(
        index_elements=[person.c.id_number_index], set_={"name": insert.excluded.name}
    ).returning(person.c.person_id, person.c.household_id)
    row = (await session.execute(stmt)).one()
    return row.person_id, row.household_id


async def resolve_person(session: AsyncSession, id_number: str, unknown_name: str) -> uuid.UUID:
    """The person_id of an ID number; a person not yet known is created with ``unknown_name``."""
    insert = pg_insert(person).values(
        person_id=uuid.uuid4(), id_number=id_number, id_number_index=id_number, name=unknown_name
    )
    # A no-op update returns (and locks) a known person without touching the name.
    stmt = insert.on_conflict_do_update(
        index_elements=[person.c.id_number_index],
        set_={"id_number_index": insert.excluded.id_number_index},
    ).returning(person.c.person_id)
    person_id: uuid.UUID = (await session.execute(stmt)).scalar_one()
    return person_id


async def set_household(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], household_id: uuid.UUID
) -> None:
    """Records the household the people now belong to."""
    await session.execute(
        update(person).where(person.c.person_id.in_(person_ids)).values(household_id=household_id)
    )


async def open_application_of(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID | None:
    """The person's undecided, unwithdrawn application, if any."""
    stmt = select(application.c.application_id).where(
        application.c.person_id == person_id, text(OPEN_STATUS_SQL)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
