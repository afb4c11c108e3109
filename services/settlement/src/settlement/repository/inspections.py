"""Inspections and complaint outcomes: store, find, and what settlement knows of a subject."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from contracts import divisions
from contracts.kinds import SpotCheckOutcome
from contracts.supervision import InspectionKind, SupervisionLevel
from settlement.domain.inspections import Inspection, InspectionFilter, Subject
from settlement.orm import (
    complaint_outcome,
    inspection,
    provider,
    recipient,
    service_order,
    service_record,
)

i, k = inspection.c, complaint_outcome.c
_SUBJECT_FIELDS = tuple(field.name for field in fields(Subject))


async def _subject(
    session: AsyncSession, table: Table, *where: ColumnElement[bool]
) -> Subject | None:
    """What one row of a read model says about a subject (the columns Subject has)."""
    columns = [table.c[name] for name in _SUBJECT_FIELDS if name in table.c]
    query = select(*columns).where(*where).limit(1)
    row = (await session.execute(query)).mappings().first()
    return None if row is None else Subject(**dict(row))


async def record_subject(session: AsyncSession, record_id: uuid.UUID) -> Subject | None:
    """A service record: who was served, under which order, by whom, where."""
    return await _subject(session, service_record, service_record.c.record_id == record_id)


async def order_subject(session: AsyncSession, order_id: uuid.UUID) -> Subject | None:
    """An order: who it serves, its provider, its township."""
    return await _subject(session, service_order, service_order.c.order_id == order_id)


async def recipient_subject(session: AsyncSession, recipient_id: uuid.UUID) -> Subject | None:
    """A recipient: the person and their village."""
    return await _subject(session, recipient, recipient.c.recipient_id == recipient_id)


async def person_subject(session: AsyncSession, person_id: uuid.UUID) -> Subject | None:
    """A person served: their recipient and village (the latest approval)."""
    c = recipient.c
    query = (
        select(c.person_id, c.county_code, c.township_code, c.village_code)
        .where(c.person_id == person_id)
        .order_by(c.approved_on.desc())
        .limit(1)
    )
    row = (await session.execute(query)).mappings().first()
    return None if row is None else Subject(**dict(row))


async def provider_subject(session: AsyncSession, provider_id: uuid.UUID) -> Subject | None:
    """A provider known to settlement (its place is where it is visited, not its county)."""
    query = select(provider.c.provider_id).where(provider.c.provider_id == provider_id)
    found = (await session.execute(query)).scalar_one_or_none()
    return None if found is None else Subject(provider_id=found)


async def add(session: AsyncSession, values: dict[str, Any]) -> Inspection:
    """Stores a recorded visit."""
    row = (
        (await session.execute(inspection.insert().values(**values).returning(inspection)))
        .mappings()
        .one()
    )
    return _inspection(row)


async def set_disallowed(session: AsyncSession, inspection_id: uuid.UUID, fen: int) -> None:
    """Notes what the visit took out of payment."""
    stmt = inspection.update().where(i.inspection_id == inspection_id).values(disallowed_fen=fen)
    await session.execute(stmt)


async def get(session: AsyncSession, inspection_id: uuid.UUID) -> Inspection | None:
    """One inspection."""
    query = select(inspection).where(i.inspection_id == inspection_id)
    row = (await session.execute(query)).mappings().first()
    return None if row is None else _inspection(row)


async def find(
    session: AsyncSession, which: InspectionFilter, *, limit: int, offset: int
) -> tuple[list[Inspection], int]:
    """A page of the inspections selected, newest visit first, and how many there are."""
    conditions = _conditions(which)
    count = select(func.count()).select_from(inspection).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    query = (
        select(inspection)
        .where(*conditions)
        .order_by(i.checked_on.desc(), i.created_at.desc(), i.inspection_id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(query)).mappings()
    return [_inspection(row) for row in rows], total


_BY_LEVEL = {
    divisions.DivisionLevel.COUNTY: i.county_code,
    divisions.DivisionLevel.TOWNSHIP: i.township_code,
    divisions.DivisionLevel.VILLAGE: i.village_code,
}


def _conditions(which: InspectionFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    column = _BY_LEVEL.get(divisions.level_of(which.division_code))
    if column is not None:  # the city sees every county
        conditions.append(column == which.division_code)
    if which.level is not None:
        conditions.append(i.supervision_level == which.level.value)
    if which.village_code is not None:
        conditions.append(i.village_code == which.village_code)
    if which.provider_id is not None:
        conditions.append(i.provider_id == which.provider_id)
    if which.first_day is not None:
        conditions.append(i.checked_on >= which.first_day)
    if which.last_day is not None:
        conditions.append(i.checked_on <= which.last_day)
    return conditions


_FIELDS = tuple(field.name for field in fields(Inspection))


def _inspection(row: Any) -> Inspection:
    values = {name: row[name] for name in _FIELDS}
    values["supervision_level"] = SupervisionLevel(values["supervision_level"])
    values["kind"] = InspectionKind(values["kind"])
    values["outcome"] = SpotCheckOutcome(values["outcome"])
    return Inspection(**values)


async def keep_complaint(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores a complaint's outcome unless a newer version is kept; True if it was written."""
    stmt = pg_insert(complaint_outcome).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[k.complaint_id],
        set_={name: stmt.excluded[name] for name in values if name != "complaint_id"},
        where=k.version < stmt.excluded.version,
    )
    written = await session.execute(stmt.returning(k.complaint_id))
    return written.first() is not None
