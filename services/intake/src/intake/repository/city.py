"""The city system's reports, its admissions awaiting a follow-up, and the follow-ups made."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import RecipientCategory
from contracts.inbound import StatusReport
from intake.adapters.sealing import open_id_number
from intake.domain.city import Admission
from intake.domain.model import PersonDetails
from intake.orm import application, city_admission, city_status_report, follow_up, person

reports = city_status_report.c
admissions = city_admission.c


async def reported_person(session: AsyncSession, external_reference: str) -> uuid.UUID | None:
    """The person of a report already received under this reference, if any."""
    stmt = select(reports.person_id).where(reports.external_reference == external_reference)
    return (await session.execute(stmt)).scalar_one_or_none()


async def record_report(
    session: AsyncSession,
    report: StatusReport,
    *,
    external_reference: str,
    person_id: uuid.UUID,
    resolved_event_id: uuid.UUID,
) -> None:
    """Keeps a received report (codes and our person_id; the ID number stays in person)."""
    await session.execute(
        city_status_report.insert().values(
            external_reference=external_reference,
            case_id=report.case_id,
            person_id=person_id,
            status=report.status.value,
            category=report.category.value,
            effective_date=report.effective_date,
            city_reason_code=report.reason_code,
            resolved_event_id=resolved_event_id,
        )
    )


async def record_admission(
    session: AsyncSession,
    report: StatusReport,
    *,
    external_reference: str,
    person_id: uuid.UUID,
) -> None:
    """Puts a newly admitted person on the monthly follow-up's list."""
    await session.execute(
        city_admission.insert().values(
            external_reference=external_reference,
            person_id=person_id,
            category=report.category.value,
            county_code=report.county_code,
            township_code=report.township_code,
            village_code=report.village_code,
            effective_date=report.effective_date,
        )
    )


async def has_application(session: AsyncSession, person_id: uuid.UUID) -> bool:
    """Whether the person has any application, in any status."""
    stmt = select(exists().where(application.c.person_id == person_id))
    return bool((await session.execute(stmt)).scalar())


async def awaiting_follow_up(session: AsyncSession, *, before: date, month: str) -> list[Admission]:
    """Each person admitted before ``before`` with no application nor follow-up in ``month``."""
    no_application = ~exists().where(application.c.person_id == admissions.person_id)
    not_this_month = ~exists().where(
        follow_up.c.person_id == admissions.person_id, follow_up.c.month == month
    )
    stmt = (
        select(city_admission)
        .ext(distinct_on(admissions.person_id))
        .where(admissions.effective_date < before, no_application, not_this_month)
        .order_by(
            admissions.person_id, admissions.effective_date.desc(), admissions.recorded_at.desc()
        )
    )
    rows = (await session.execute(stmt)).all()
    return [
        Admission(
            person_id=r.person_id,
            category=RecipientCategory(r.category),
            county_code=r.county_code,
            township_code=r.township_code,
            village_code=r.village_code,
            effective_date=r.effective_date,
        )
        for r in rows
    ]


async def person_details(
    session: AsyncSession, person_id: uuid.UUID
) -> tuple[PersonDetails, uuid.UUID | None]:
    """The person as an applicant, and the household intake knows them in."""
    stmt = select(person.c.name, person.c.id_number, person.c.household_id).where(
        person.c.person_id == person_id
    )
    row = (await session.execute(stmt)).one()
    return PersonDetails(
        row.name, open_id_number(row.id_number, person_id=person_id)
    ), row.household_id


async def add_follow_up(
    session: AsyncSession, person_id: uuid.UUID, month: str, application_id: uuid.UUID
) -> None:
    """Records the month's follow-up of a person (the key refuses a second one)."""
    await session.execute(
        follow_up.insert().values(person_id=person_id, month=month, application_id=application_id)
    )
