"""Complaints, their notes, and what a filing names (person, order, record, provider)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.supervision import (
    ComplaintCategory,
    ComplaintOutcome,
    ComplaintSource,
    SupervisionLevel,
)
from dispatch.adapters.sealing import open_values, seal_values
from dispatch.domain.complaint_filing import Filing, Named
from dispatch.domain.complaints import (
    Complaint,
    ComplaintStatus,
    Note,
    NoteKind,
    Words,
)
from dispatch.orm import provider, recipient, service_order, service_record
from dispatch.orm_complaints import complaint, complaint_note

c = complaint.c
WORDS = ("description_zh", "complainant_name", "complainant_phone", "resolution_note_zh")
_COLUMNS = [col for col in complaint.columns if col.name not in WORDS]


def _complaint(row: RowMapping) -> Complaint:
    """The domain's complaint from its row (codes as their enums)."""
    values = dict(row)
    optional = {"outcome": ComplaintOutcome, "resolved_level": SupervisionLevel}
    for name, kind in optional.items():
        values[name] = None if values[name] is None else kind(values[name])
    return Complaint(
        **{
            **values,
            "status": ComplaintStatus(row["status"]),
            "category": ComplaintCategory(row["category"]),
            "source": ComplaintSource(row["source"]),
            "supervision_level": SupervisionLevel(row["supervision_level"]),
        }
    )


def _stored(found: Complaint) -> dict[str, Any]:
    return {k: v.value if hasattr(v, "value") else v for k, v in asdict(found).items()}


async def named(session: AsyncSession, filing: Filing) -> Named:
    """What dispatch holds of the person, order, record and provider a filing names."""
    r = recipient.c
    stmt = (
        select(r.recipient_id, r.county_code, r.township_code, r.village_code)
        .where(r.person_id == filing.person_id)
        .order_by(r.created_at.desc())
        .limit(1)
    )
    person = (await session.execute(stmt)).mappings().first()
    values: dict[str, Any] = (
        dict(person)
        if person
        else dict.fromkeys(("recipient_id", "county_code", "township_code", "village_code"))
    )
    if filing.order_id is not None:
        o = service_order.c
        stmt = select(o.person_id, o.provider_code).where(o.order_id == filing.order_id)
        if order := (await session.execute(stmt)).first():
            values |= {
                "order_person_id": order.person_id,
                "order_provider_code": order.provider_code,
            }
    if filing.record_id is not None:
        s = service_record.c
        stmt = select(s.order_id, s.provider_code, s.worker_ref).where(
            s.record_id == filing.record_id
        )
        if record := (await session.execute(stmt)).first():
            values |= {
                "record_order_id": record.order_id,
                "record_provider_code": record.provider_code,
                "record_worker_ref": record.worker_ref,
            }
    code = filing.provider_code or values.get("order_provider_code")
    if code is not None:
        stmt = select(provider.c.provider_id).where(provider.c.code == code)
        values["provider_id"] = await session.scalar(stmt)
    return Named(**values)


async def insert(session: AsyncSession, found: Complaint, words: Words) -> None:
    """Keeps a new complaint, the complainant's words and contact sealed for its row."""
    values = _stored(found) | asdict(words)
    sealed = seal_values(complaint, values, row=found.complaint_id)
    await session.execute(complaint.insert().values(**sealed))


async def get(
    session: AsyncSession, complaint_id: uuid.UUID, *, for_update: bool = False
) -> Complaint | None:
    """One complaint (locked for the step that follows, when asked)."""
    stmt = select(*_COLUMNS).where(c.complaint_id == complaint_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _complaint(row)


async def save(session: AsyncSession, changed: Complaint, *, note_zh: str | None = None) -> None:
    """Writes a complaint's new state (the resolution note sealed, when given)."""
    values = _stored(changed)
    if note_zh is not None:
        values["resolution_note_zh"] = note_zh
    sealed = seal_values(complaint, values, row=changed.complaint_id)
    await session.execute(
        update(complaint).where(c.complaint_id == changed.complaint_id).values(**sealed)
    )


async def words(session: AsyncSession, complaint_id: uuid.UUID) -> Words:
    """The complainant's words and contact, and the resolution note, opened."""
    stmt = select(c.complaint_id, *(c[name] for name in WORDS)).where(
        c.complaint_id == complaint_id
    )
    row = (await session.execute(stmt)).mappings().one()
    opened = open_values(complaint, row, row=complaint_id)
    return Words(**{name: opened[name] for name in WORDS})


async def add_note(session: AsyncSession, complaint_id: uuid.UUID, note: Note) -> None:
    """Keeps one step of the investigation, its text sealed for its row."""
    values = {**asdict(note), "kind": note.kind.value, "complaint_id": complaint_id}
    sealed = seal_values(complaint_note, values, row=note.note_id)
    await session.execute(complaint_note.insert().values(**sealed))


async def notes(session: AsyncSession, complaint_id: uuid.UUID) -> list[Note]:
    """The investigation's steps, oldest first, opened."""
    n = complaint_note.c
    stmt = (
        select(n.note_id, n.kind, n.author_id, n.text_zh, n.written_at)
        .where(n.complaint_id == complaint_id)
        .order_by(n.written_at, n.note_id)
    )
    rows = (await session.execute(stmt)).mappings()
    found = [open_values(complaint_note, row, row=row["note_id"]) for row in rows]
    return [Note(**{**row, "kind": NoteKind(row["kind"])}) for row in found]


def _overdue(now: datetime) -> Any:
    return or_(c.overdue.is_(True), and_(c.status == ComplaintStatus.OPEN, c.respond_by < now))


async def listed(
    session: AsyncSession,
    *,
    division: str,
    status: ComplaintStatus | None,
    category: ComplaintCategory | None,
    overdue: bool | None,
    now: datetime,
    page: int,
    size: int,
) -> tuple[Sequence[Complaint], int]:
    """A page of complaints inside a division, most urgent deadline first."""
    where = [c.village_code.startswith(division, autoescape=True)]
    where += [c.status == status] if status else []
    where += [c.category == category] if category else []
    if overdue is not None:
        where.append(_overdue(now) if overdue else ~_overdue(now))
    total = await session.scalar(select(func.count()).select_from(complaint).where(*where))
    stmt = select(*_COLUMNS).where(*where).order_by(c.respond_by, c.complaint_id)
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).mappings()
    return [_complaint(row) for row in rows], int(total or 0)


async def awaiting_township(session: AsyncSession, now: datetime, limit: int) -> list[Complaint]:
    """Open complaints the township did not answer by their deadline, claimed for escalation
    (skipped if another replica holds them)."""
    stmt = (
        select(*_COLUMNS)
        .where(
            c.status == ComplaintStatus.OPEN,
            c.supervision_level == SupervisionLevel.TOWNSHIP,
            c.respond_by <= now,
        )
        .order_by(c.respond_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [_complaint(row) for row in (await session.execute(stmt)).mappings()]


async def overdue_counts(session: AsyncSession, now: datetime) -> list[tuple[str, int]]:
    """Open complaints past their deadline, by the level that handles them."""
    stmt = (
        select(c.supervision_level, func.count())
        .where(c.status == ComplaintStatus.OPEN, c.respond_by < now)
        .group_by(c.supervision_level)
    )
    return [(level, int(count)) for level, count in (await session.execute(stmt)).all()]
