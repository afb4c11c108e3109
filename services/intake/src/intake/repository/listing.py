"""Staff lists of applications, scoped to a jurisdiction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import divisions
from contracts.enums import Channel, RecipientCategory, ServiceCategory
from intake.domain.model import Summary
from intake.domain.status import ApplicationStatus
from intake.orm import application, person

A = application.c


def _in_scope(division: str) -> ColumnElement[bool]:
    level = divisions.level_of(division)
    column = {
        divisions.DivisionLevel.COUNTY: A.county_code,
        divisions.DivisionLevel.TOWNSHIP: A.township_code,
        divisions.DivisionLevel.VILLAGE: A.village_code,
    }.get(level)
    # The city sees every county; a code's level decides which column to compare.
    return column == division if column is not None else true()


async def page(
    session: AsyncSession,
    *,
    division: str,
    status: ApplicationStatus | None,
    village_code: str | None,
    number: int,
    size: int,
) -> tuple[list[Summary], int]:
    """One page of applications inside ``division``, newest first, and the total."""
    where = [_in_scope(division)]
    if status is not None:
        where.append(A.status == status.value)
    if village_code is not None:
        where.append(A.village_code == village_code)
    total = (
        await session.execute(select(func.count()).select_from(application).where(*where))
    ).scalar_one()
    rows = await session.execute(
        select(application, person.c.id_number)
        .join(person, person.c.person_id == A.person_id)
        .where(*where)
        .order_by(A.submitted_at.desc(), A.application_id)
        .limit(size)
        .offset((number - 1) * size)
    )
    return [_summary(r) for r in rows], int(total)


def _summary(r: Row[Any]) -> Summary:
    return Summary(
        application_id=r.application_id,
        status=ApplicationStatus(r.status),
        channel=Channel(r.channel),
        category=RecipientCategory(r.category),
        need_categories=tuple(ServiceCategory(c) for c in r.need_categories),
        village_code=r.village_code,
        applicant_name=r.applicant_name,
        id_number=r.id_number,
        submitted_at=r.submitted_at,
    )
