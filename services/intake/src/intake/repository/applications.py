"""Writing and loading applications with their members, timeline and discovery report."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import Channel, RecipientCategory, ServiceCategory, SpecialCondition
from intake.adapters.sealing import PHONE, SITUATION, open_id_number, open_text, seal_text
from intake.domain.checks import Check
from intake.domain.model import (
    Application,
    CatalogueEntry,
    MemberDetails,
    PersonDetails,
    Relation,
    TimelineEntry,
)
from intake.domain.status import ApplicationStatus
from intake.orm import application, application_member, application_step, discovery, person

applications = application.c


def _columns(app: Application) -> dict[str, Any]:
    return {
        "status": app.status.value,
        "version": app.version,
        "category": app.category.value,
        "special_conditions": [c.value for c in app.special_conditions],
        "requested_items": [i.to_json() for i in app.requested_items],
        "need_categories": [c.value for c in app.need_categories],
        "survey_id": app.survey_id,
        "survey_version": app.survey_version,
        "status_note_zh": app.status_note_zh,
        "duplicate_of": app.duplicate_of,
    }


async def insert_application(
    session: AsyncSession,
    app: Application,
    *,
    member_person_ids: Sequence[uuid.UUID],
    consent_given_at: datetime | None,
) -> None:
    """Stores a new application, its members and its first timeline step."""
    await session.execute(
        application.insert().values(
            application_id=app.application_id,
            person_id=app.person_id,
            household_id=app.household_id,
            channel=app.channel.value,
            county_code=app.county_code,
            township_code=app.township_code,
            village_code=app.village_code,
            applicant_name=app.applicant.name,
            applicant_phone=seal_text(app.applicant.phone, purpose=PHONE, row=app.application_id),
            consent_given_at=consent_given_at,
            submitted_by=app.submitted_by,
            submitted_by_role=app.submitted_by_role,
            submitted_at=app.submitted_at,
            discovery_id=app.discovery_id,
            checks=[c.to_json() for c in app.checks],
            updated_at=app.submitted_at,
            **_columns(app),
        )
    )
    await _insert_members(session, app, member_person_ids)
    await _add_step(session, app)


async def _insert_members(
    session: AsyncSession, app: Application, person_ids: Sequence[uuid.UUID]
) -> None:
    rows = [
        {
            "application_id": app.application_id,
            "position": n,
            "person_id": pid,
            "relation": m.relation.value,
            "name": m.name,
        }
        for n, (m, pid) in enumerate(zip(app.members, person_ids, strict=True))
    ]
    if rows:
        await session.execute(application_member.insert(), rows)


async def insert_discovery(
    session: AsyncSession, app: Application, *, situation_zh: str | None
) -> None:
    """Stores the coordinator's report behind a discovery application."""
    assert app.discovery_id is not None  # a discovery application always has one
    await session.execute(
        discovery.insert().values(
            discovery_id=app.discovery_id,
            application_id=app.application_id,
            reported_by=app.submitted_by,
            situation_zh=seal_text(situation_zh, purpose=SITUATION, row=app.discovery_id),
            reported_at=app.submitted_at,
        )
    )


async def _add_step(session: AsyncSession, app: Application) -> None:
    """Writes the application's latest timeline step."""
    step = app.timeline[-1]
    await session.execute(
        application_step.insert().values(
            application_id=app.application_id,
            status=step.status.value,
            note_zh=step.note_zh,
            occurred_at=step.occurred_at,
        )
    )


async def save_change(
    session: AsyncSession, app: Application, *, registered_by: str | None = None
) -> None:
    """Writes a changed application (see domain.model.advance) and its new timeline step."""
    at = app.timeline[-1].occurred_at
    values: dict[str, Any] = {**_columns(app), "updated_at": at}
    if registered_by is not None:
        values |= {"registered_by": registered_by, "registered_at": at}
    await session.execute(
        update(application)
        .where(applications.application_id == app.application_id)
        .values(**values)
    )
    await _add_step(session, app)


async def load(
    session: AsyncSession, application_id: uuid.UUID, *, for_update: bool = False
) -> Application | None:
    """The application with its applicant, members and timeline; optionally locked."""
    stmt = (
        select(application, person.c.id_number)
        .join(person, person.c.person_id == applications.person_id)
        .where(applications.application_id == application_id)
    )
    row = (
        await session.execute(stmt.with_for_update(of=application) if for_update else stmt)
    ).first()
    if row is None:
        return None
    return _application(
        row, await _members(session, application_id), await _timeline(session, application_id)
    )


async def _members(session: AsyncSession, application_id: uuid.UUID) -> tuple[MemberDetails, ...]:
    members = application_member.c
    rows = await session.execute(
        select(members.relation, members.name, members.person_id, person.c.id_number)
        .join(person, person.c.person_id == members.person_id)
        .where(members.application_id == application_id)
        .order_by(members.position)
    )
    return tuple(
        MemberDetails(
            Relation(row.relation), row.name, open_id_number(row.id_number, person_id=row.person_id)
        )
        for row in rows
    )


async def _timeline(session: AsyncSession, application_id: uuid.UUID) -> tuple[TimelineEntry, ...]:
    steps = application_step.c
    rows = await session.execute(
        select(steps.status, steps.occurred_at, steps.note_zh)
        .where(steps.application_id == application_id)
        .order_by(steps.id)
    )
    return tuple(
        TimelineEntry(ApplicationStatus(row.status), row.occurred_at, row.note_zh) for row in rows
    )


def _application(
    row: Row[Any], members: tuple[MemberDetails, ...], timeline: tuple[TimelineEntry, ...]
) -> Application:
    return Application(
        application_id=row.application_id,
        person_id=row.person_id,
        household_id=row.household_id,
        status=ApplicationStatus(row.status),
        version=row.version,
        channel=Channel(row.channel),
        category=RecipientCategory(row.category),
        special_conditions=tuple(SpecialCondition(c) for c in row.special_conditions),
        requested_items=tuple(CatalogueEntry.from_json(i) for i in row.requested_items),
        need_categories=tuple(ServiceCategory(c) for c in row.need_categories),
        county_code=row.county_code,
        township_code=row.township_code,
        village_code=row.village_code,
        applicant=PersonDetails(
            row.applicant_name,
            open_id_number(row.id_number, person_id=row.person_id),
            open_text(row.applicant_phone, purpose=PHONE, row=row.application_id),
        ),
        members=members,
        submitted_by=row.submitted_by,
        submitted_by_role=row.submitted_by_role,
        submitted_at=row.submitted_at,
        discovery_id=row.discovery_id,
        survey_id=row.survey_id,
        survey_version=row.survey_version,
        status_note_zh=row.status_note_zh,
        timeline=timeline,
        checks=tuple(Check.from_json(c) for c in row.checks),
        duplicate_of=row.duplicate_of,
    )
