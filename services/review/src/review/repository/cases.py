"""Queries and writes of review cases, the catalogue copy and needs assessments."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.settlement import CatalogueItem
from review.adapters.sealing import open_values, seal_values
from review.domain.access import CaseQuery, Scope
from review.domain.case import Case, CaseStatus, NeedAssessment
from review.domain.decision import Catalogue, Recipient
from review.orm import catalogue_version, needs_assessment, review_case
from review.repository.common import page, within

_PARTS = ("registration", "findings", "preliminary", "withdrawal", "decision")


def _case_of(row: Any) -> Case:
    held = {name: getattr(row, name) for name in _PARTS}
    parts = open_values(review_case, held, row=row.application_id)
    return Case(application_id=row.application_id, person_id=row.person_id, **parts)


async def get_case(session: AsyncSession, application_id: uuid.UUID, *, lock: bool) -> Case | None:
    """The case of an application (locked for update when ``lock``), or None."""
    stmt = select(review_case).where(review_case.c.application_id == application_id)
    row = (await session.execute(stmt.with_for_update() if lock else stmt)).first()
    return _case_of(row) if row else None


async def start_case(
    session: AsyncSession, application_id: uuid.UUID, person_id: uuid.UUID
) -> Case:
    """The case, locked; created empty if this is the first event about the application."""
    await session.execute(
        pg_insert(review_case)
        .values(
            application_id=application_id,
            person_id=person_id,
            status=CaseStatus.AWAITING_REGISTRATION.value,
        )
        .on_conflict_do_nothing(index_elements=["application_id"])
    )
    case = await get_case(session, application_id, lock=True)
    assert case is not None
    return case


async def save_case(session: AsyncSession, case: Case) -> None:
    """Writes the case's parts and the columns the queue filters on."""
    reg, prelim = case.registration, case.preliminary
    parts = {n: (p.model_dump(mode="json") if (p := getattr(case, n)) else None) for n in _PARTS}
    # Each part is sealed whole, to the case's row (adapters/sealing.py).
    sealed = seal_values(review_case, parts, row=case.application_id)
    await session.execute(
        update(review_case)
        .where(review_case.c.application_id == case.application_id)
        .values(
            status=case.status.value,
            category=reg.category.value if reg else None,
            county_code=reg.county_code if reg else None,
            township_code=reg.township_code if reg else None,
            village_code=reg.village_code if reg else None,
            registered_at=reg.occurred_at if reg else None,
            preliminary_outcome=prelim.outcome.value if prelim else None,
            decided_at=case.decision.decided_at if case.decision else None,
            updated_at=func.now(),
            **sealed,
        )
    )


async def list_cases(
    session: AsyncSession, query: CaseQuery, scope: Scope
) -> tuple[list[Case], int]:
    """One page of the queue within ``scope``, oldest registration first."""
    cases = review_case.c
    stmt = select(review_case).where(
        within(review_case, scope),
        cases.status == (query.status or CaseStatus.AWAITING_DECISION.value),
    )
    for column, value in (
        (cases.category, query.category),
        (cases.village_code, query.village_code),
        (cases.preliminary_outcome, query.preliminary),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    stmt = stmt.order_by(cases.registered_at.asc().nulls_last(), cases.application_id)
    rows, total = await page(session, stmt, query.page, query.size)
    return [_case_of(r) for r in rows], total


async def add_catalogue(
    session: AsyncSession, catalogue: Catalogue, *, published_by: str, published_at: datetime
) -> None:
    """Keeps a catalogue version; versions never change, so a repeat is ignored."""
    items = [item.model_dump(mode="json") for item in catalogue.items.values()]
    await session.execute(
        pg_insert(catalogue_version)
        .values(
            county_code=catalogue.county_code,
            version=catalogue.version,
            effective_from=catalogue.effective_from,
            items=items,
            published_by=published_by,
            published_at=published_at,
        )
        .on_conflict_do_nothing(index_elements=["county_code", "version"])
    )


async def catalogue_versions(session: AsyncSession, county_code: str) -> list[Catalogue]:
    """Every catalogue version the county published (a handful: the rule picks the one in force)."""
    stmt = select(catalogue_version).where(catalogue_version.c.county_code == county_code)
    return [_catalogue_of(row) for row in (await session.execute(stmt)).all()]


def _catalogue_of(row: Any) -> Catalogue:
    items = [CatalogueItem.model_validate(item) for item in row.items]
    return Catalogue(
        row.county_code, row.version, row.effective_from, {i.item_code: i for i in items}
    )


async def add_assessment(
    session: AsyncSession, r: Recipient, a: NeedAssessment, *, by: str, at: datetime
) -> None:
    """Records the needs assessment (需求认定) made with an approval, its notes sealed."""
    values = {
        "application_id": r.application_id,
        "recipient_id": r.recipient_id,
        "assessed_by": by,
        "assessed_at": at,
        **a.model_dump(mode="json"),
    }
    sealed = seal_values(needs_assessment, values, row=r.application_id)
    await session.execute(needs_assessment.insert().values(**sealed))


async def get_assessment(session: AsyncSession, application_id: uuid.UUID) -> NeedAssessment | None:
    """The needs assessment of an approved application, or None."""
    stmt = select(needs_assessment).where(needs_assessment.c.application_id == application_id)
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    opened = open_values(needs_assessment, row._mapping, row=application_id)
    return NeedAssessment.model_validate(opened)
