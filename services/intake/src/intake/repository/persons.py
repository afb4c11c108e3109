"""The person registry: ID number → person_id, and the locks that keep it consistent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.sealing import id_number_index, seal_id_number
from intake.domain.checks import OpenApplication, Registered
from intake.orm import OPEN_APPLICATION_SQL, application, person


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialises transactions on one key (e.g. an Idempotency-Key) until commit."""
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


async def find_or_add_person(session: AsyncSession, id_number: str, name: str) -> Registered:
    """The person of an ID number as registered, or added with ``name``; locks the row."""
    proposed = uuid.uuid4()
    stmt = _find_or_add(id_number, proposed, name).returning(
        person.c.person_id, person.c.name, person.c.household_id
    )
    row = (await session.execute(stmt)).one()
    return Registered(row.person_id, row.name, row.household_id, row.person_id == proposed)


async def rename_person(session: AsyncSession, person_id: uuid.UUID, name: str) -> None:
    """Gives a registered person the name staff verified."""
    await session.execute(update(person).where(person.c.person_id == person_id).values(name=name))


async def resolve_person(session: AsyncSession, id_number: str, unknown_name: str) -> uuid.UUID:
    """The person_id of an ID number; a person not yet known is created with ``unknown_name``."""
    stmt = _find_or_add(id_number, uuid.uuid4(), unknown_name).returning(person.c.person_id)
    person_id: uuid.UUID = (await session.execute(stmt)).scalar_one()
    return person_id


def _find_or_add(id_number: str, person_id: uuid.UUID, name: str) -> Insert:
    """Adds the person unless their number is known; either way the statement returns them."""
    insert = pg_insert(person).values(
        person_id=person_id,
        id_number=seal_id_number(id_number, person_id=person_id),
        id_number_index=id_number_index(id_number),
        name=name,
    )
    # A no-op update returns (and locks) a known person without touching the name or number.
    return insert.on_conflict_do_update(
        index_elements=[person.c.id_number_index],
        set_={"id_number_index": insert.excluded.id_number_index},
    )


async def set_household(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], household_id: uuid.UUID
) -> None:
    """Records the household the people now belong to."""
    await session.execute(
        update(person).where(person.c.person_id.in_(person_ids)).values(household_id=household_id)
    )


async def open_application_of(
    session: AsyncSession, person_id: uuid.UUID
) -> OpenApplication | None:
    """The person's undecided, unwithdrawn application that is not held, if any."""
    stmt = select(application.c.application_id, application.c.village_code).where(
        application.c.person_id == person_id, text(OPEN_APPLICATION_SQL)
    )
    row = (await session.execute(stmt)).first()
    return OpenApplication(row.application_id, row.village_code) if row else None
