"""Staff lists of applications, scoped to a jurisdiction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import divisions
from contracts.enums import Channel, RecipientCategory, ServiceCategory
from intake.adapters.sealing import open_id_number
from intake.domain.model import ListQuery, Summary
from intake.domain.status import ApplicationStatus
from intake.orm import application, person

applications = application.c


def _in_scope(division: str) -> ColumnElement[bool]:
    level = divisions.level_of(division)
    column = {
        divisions.DivisionLevel.COUNTY: applications.county_code,
        divisions.DivisionLevel.TOWNSHIP: applications.township_code,
        divisions.DivisionLevel.VILLAGE: applications.village_code,
    }.get(level)
    # The city sees every county; a code's level decides which column to compare.
    return column == division if column is not None else true()


#: Submitted and waiting for the township to verify its checks (domain.checks).
_NEEDS_VERIFICATION = and_(
    applications.status == ApplicationStatus.SUBMITTED.value,
    func.jsonb_array_length(applications.checks) > 0,
)


async def page(session: AsyncSession, query: ListQuery) -> tuple[list[Summary], int]:
    """One page of applications inside the query's division, newest first, and the total."""
    where = [_in_scope(query.division)]
    if query.status is not None:
        where.append(applications.status == query.status.value)
    if query.village_code is not None:
        where.append(applications.village_code == query.village_code)
    if query.needs_verification is not None:
        wanted = query.needs_verification
        where.append(_NEEDS_VERIFICATION if wanted else ~_NEEDS_VERIFICATION)
    total = (
        await session.execute(select(func.count()).select_from(application).where(*where))
    ).scalar_one()
    rows = await session.execute(
        select(application, person.c.id_number, _NEEDS_VERIFICATION.label("needs_verification"))
        .join(person, person.c.person_id == applications.person_id)
        .where(*where)
        .order_by(applications.submitted_at.desc(), applications.application_id)
        .limit(query.size)
        .offset((query.number - 1) * query.size)
    )
    return [_summary(row) for row in rows], int(total)


def _summary(row: Row[Any]) -> Summary:
    return Summary(
        application_id=row.application_id,
        person_id=row.person_id,
        status=ApplicationStatus(row.status),
        channel=Channel(row.channel),
        category=RecipientCategory(row.category),
        need_categories=tuple(ServiceCategory(c) for c in row.need_categories),
        village_code=row.village_code,
        applicant_name=row.applicant_name,
        id_number=open_id_number(row.id_number, person_id=row.person_id),
        submitted_at=row.submitted_at,
        needs_verification=row.needs_verification,
    )
