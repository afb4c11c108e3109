"""Service-number counters, files and their history."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from archive.adapters.sealing import (
    CONDITIONS,
    HISTORY_DATA,
    HISTORY_SUMMARY,
    SELF_CARE,
    open_json,
    open_optional,
    open_text,
    seal_json,
    seal_optional,
    seal_text,
)
from archive.domain.files import ArchiveFile, FileState
from archive.domain.stored import HistoryLine
from archive.orm import archive_file, file_history, service_number_counter
from contracts.envelope import Event
from contracts.review import RecipientServicesChanged, RecipientStatusChanged


async def allocate_sequence(session: AsyncSession, *, county_code: str, year: int) -> int:
    """Takes the next sequence of a county and year; the row stays locked until commit."""
    c = service_number_counter
    stmt = (
        insert(c)
        .values(county_code=county_code, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[c.c.county_code, c.c.year], set_={"last_value": c.c.last_value + 1}
        )
        .returning(c.c.last_value)
    )
    return int((await session.execute(stmt)).scalar_one())


async def reserve_up_to(session: AsyncSession, *, county_code: str, year: int, value: int) -> None:
    """Moves a counter to at least ``value`` (numbers already issued before a rebuild)."""
    c = service_number_counter
    stmt = (
        insert(c)
        .values(county_code=county_code, year=year, last_value=value)
        .on_conflict_do_update(
            index_elements=[c.c.county_code, c.c.year],
            set_={"last_value": func.greatest(c.c.last_value, value)},
        )
    )
    await session.execute(stmt)


#: First key of archive's advisory locks on persons (the second is a hash of the person id).
PERSON_LOCK_SPACE = 6


async def lock_person(session: AsyncSession, person_id: uuid.UUID) -> None:
    """Holds the person's lock until commit, so their events apply one at a time."""
    lock = func.pg_advisory_xact_lock(PERSON_LOCK_SPACE, func.hashtext(str(person_id)))
    await session.execute(select(lock))


def to_file(row: RowMapping) -> ArchiveFile:
    """The domain file a row of ``archive_file`` holds (``updated_at`` is bookkeeping only)."""
    values = {name: value for name, value in row.items() if name != "updated_at"}
    file_id = row["file_id"]
    values["special_conditions"] = open_json(
        row["special_conditions"], purpose=CONDITIONS, row=file_id
    )
    values["self_care_level"] = open_optional(
        row["self_care_level"], purpose=SELF_CARE, row=file_id
    )
    return ArchiveFile(**values)


def _sealed(file_id: uuid.UUID, values: dict[str, Any]) -> dict[str, Any]:
    """The values with the person's conditions and self-care level sealed for the file's row."""
    out = dict(values)
    if "special_conditions" in out:
        out["special_conditions"] = seal_json(
            out["special_conditions"], purpose=CONDITIONS, row=file_id
        )
    if "self_care_level" in out:
        out["self_care_level"] = seal_optional(
            out["self_care_level"], purpose=SELF_CARE, row=file_id
        )
    return out


async def file_of_person(
    session: AsyncSession, person_id: uuid.UUID, *, lock: bool = True
) -> ArchiveFile | None:
    """The file of a person (locked for update unless only read), or None."""
    stmt = select(archive_file).where(archive_file.c.person_id == person_id)
    if lock:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return to_file(row) if row else None


async def file_by_id(session: AsyncSession, file_id: uuid.UUID) -> ArchiveFile | None:
    """A file by its id, or None."""
    stmt = select(archive_file).where(archive_file.c.file_id == file_id)
    row = (await session.execute(stmt)).mappings().first()
    return to_file(row) if row else None


def state_values(state: FileState) -> dict[str, Any]:
    """The columns a state is stored in (one a field, by the same name)."""
    return asdict(state)


async def insert_file(session: AsyncSession, values: dict[str, Any]) -> None:
    """Stores a new file."""
    await session.execute(archive_file.insert().values(**_sealed(values["file_id"], values)))


async def update_file(session: AsyncSession, file_id: uuid.UUID, values: dict[str, Any]) -> None:
    """Changes a file's columns."""
    stmt = update(archive_file).where(archive_file.c.file_id == file_id)
    await session.execute(stmt.values(**_sealed(file_id, values), updated_at=func.now()))


async def add_history(
    session: AsyncSession, event: Event, *, person_id: uuid.UUID, topic: str, summary: str
) -> None:
    """Appends an event to its person's history (once per event id), its line and data sealed."""
    row = event.event_id
    stmt = insert(file_history).values(
        event_id=row,
        person_id=person_id,
        topic=topic,
        event_type=event.event_type,
        occurred_at=event.occurred_at,
        summary=seal_text(summary, purpose=HISTORY_SUMMARY, row=row),
        data=seal_json(event.model_dump(mode="json"), purpose=HISTORY_DATA, row=row),
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[file_history.c.event_id]))


async def status_changes_of(
    session: AsyncSession, person_id: uuid.UUID, recipient_id: uuid.UUID
) -> list[RecipientStatusChanged]:
    """The status changes of a recipient recorded so far (in any order)."""
    h = file_history.c
    stmt = select(h.event_id, h.data).where(
        h.person_id == person_id, h.event_type == "review.RecipientStatusChanged"
    )
    changes = [
        RecipientStatusChanged.model_validate(open_json(data, purpose=HISTORY_DATA, row=event_id))
        for event_id, data in (await session.execute(stmt)).all()
    ]
    return [c for c in changes if c.recipient_id == recipient_id]


async def services_changes_of(
    session: AsyncSession, person_id: uuid.UUID, recipient_id: uuid.UUID
) -> list[RecipientServicesChanged]:
    """The changes of a recipient's services recorded so far (in any order)."""
    h = file_history.c
    stmt = select(h.event_id, h.data).where(
        h.person_id == person_id, h.event_type == "review.RecipientServicesChanged"
    )
    changes = [
        RecipientServicesChanged.model_validate(open_json(data, purpose=HISTORY_DATA, row=event_id))
        for event_id, data in (await session.execute(stmt)).all()
    ]
    return [c for c in changes if c.recipient_id == recipient_id]


def _line(row: RowMapping) -> HistoryLine:
    """A history line as stored, opened (``data`` only when it was selected)."""
    values = dict(row)
    event_id = values["event_id"]
    values["summary"] = open_text(values["summary"], purpose=HISTORY_SUMMARY, row=event_id)
    if "data" in values:
        values["data"] = open_json(values["data"], purpose=HISTORY_DATA, row=event_id)
    return HistoryLine(**values)


async def history_of(session: AsyncSession, person_id: uuid.UUID) -> list[HistoryLine]:
    """A person's history, oldest first."""
    h = file_history.c
    stmt = (
        select(h.event_id, h.topic, h.event_type, h.occurred_at, h.summary, h.data)
        .where(h.person_id == person_id)
        .order_by(h.occurred_at, h.event_id)
    )
    return [_line(row) for row in (await session.execute(stmt)).mappings()]


async def history_page(
    session: AsyncSession, person_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[int, list[HistoryLine]]:
    """One page of a person's history, oldest first, and its length."""
    h = file_history.c
    mine = h.person_id == person_id
    total = (await session.execute(select(func.count()).where(mine))).scalar_one()
    stmt = (
        select(h.event_id, h.topic, h.event_type, h.occurred_at, h.summary)
        .where(mine)
        .order_by(h.occurred_at, h.event_id)
        .offset(offset)
        .limit(limit)
    )
    return int(total), [_line(row) for row in (await session.execute(stmt)).mappings()]
