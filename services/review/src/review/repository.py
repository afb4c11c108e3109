"""Queries and writes of review's tables, on the unit of work's session."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Table, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.divisions import DivisionLevel
from contracts.settlement import CatalogueItem
from contracts.values import ApprovedItem
from review.domain.access import CaseQuery, RecipientQuery, Scope
from review.domain.case import Case, CaseStatus, NeedAssessment
from review.domain.decision import Catalogue, Recipient
from review.orm import (
    catalogue_version,
    needs_assessment,
    recipient,
    recipient_item,
    recipient_status_history,
    review_case,
)

_PARTS = ("registration", "findings", "preliminary", "withdrawal", "decision")


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _columns(model: BaseModel, *, exclude: set[str]) -> dict[str, Any]:
    # Python values (dates, UUIDs) for the driver, with enums and tuples made plain.
    return {k: _plain(v) for k, v in model.model_dump(exclude=exclude).items()}


def _case_of(row: Any) -> Case:
    parts = {name: getattr(row, name) for name in _PARTS}
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
            **parts,
        )
    )


def _within(table: Table, scope: Scope) -> ColumnElement[bool]:
    column = {
        DivisionLevel.COUNTY: table.c.county_code,
        DivisionLevel.TOWNSHIP: table.c.township_code,
        DivisionLevel.VILLAGE: table.c.village_code,
    }.get(scope.level)
    # Every row is in Chizhou, so the city level sees them all.
    return true() if column is None else column == scope.code


async def _page(session: AsyncSession, stmt: Any, page: int, size: int) -> tuple[list[Any], int]:
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.offset((page - 1) * size).limit(size))).all()
    return list(rows), int(total)


async def list_cases(
    session: AsyncSession, query: CaseQuery, scope: Scope
) -> tuple[list[Case], int]:
    """One page of the queue within ``scope``, oldest registration first."""
    c = review_case.c
    stmt = select(review_case).where(
        _within(review_case, scope),
        c.status == (query.status or CaseStatus.AWAITING_DECISION.value),
    )
    for column, value in (
        (c.category, query.category),
        (c.village_code, query.village_code),
        (c.preliminary_outcome, query.preliminary),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    stmt = stmt.order_by(c.registered_at.asc().nulls_last(), c.application_id)
    rows, total = await _page(session, stmt, query.page, query.size)
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


async def catalogue_in_force(session: AsyncSession, county_code: str, on: date) -> Catalogue | None:
    """The county's catalogue version in force on ``on``, or None."""
    t = catalogue_version.c
    stmt = (
        select(catalogue_version)
        .where(t.county_code == county_code, t.effective_from <= on)
        .order_by(t.effective_from.desc(), t.version.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    items = [CatalogueItem.model_validate(i) for i in row.items]
    return Catalogue(
        row.county_code, row.version, row.effective_from, {i.item_code: i for i in items}
    )


async def open_recipient_of(session: AsyncSession, person_id: uuid.UUID) -> uuid.UUID | None:
    """The person's registry entry that is not stopped or deceased, if any."""
    t = recipient.c
    stmt = select(t.recipient_id).where(
        t.person_id == person_id, t.status.not_in(("stopped", "deceased"))
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_recipient(session: AsyncSession, r: Recipient, *, event_id: uuid.UUID) -> None:
    """Registers the recipient with its items and the first entry of its status history."""
    await session.execute(recipient.insert().values(**_columns(r, exclude={"items"})))
    await session.execute(
        recipient_item.insert(),
        [
            {
                "recipient_id": r.recipient_id,
                "frequency_times": i.frequency.times,
                "frequency_per": i.frequency.per.value,
                **i.model_dump(mode="json", exclude={"frequency"}),
            }
            for i in r.items
        ],
    )
    await session.execute(
        recipient_status_history.insert().values(
            recipient_id=r.recipient_id,
            version=r.status_version,
            status=r.status.value,
            effective_date=r.status_effective_date,
            source="review_officer",
            decided_by=r.approved_by,
            event_id=event_id,
        )
    )


async def add_assessment(
    session: AsyncSession, r: Recipient, a: NeedAssessment, *, by: str, at: datetime
) -> None:
    """Records the needs assessment (需求认定) made with an approval."""
    await session.execute(
        needs_assessment.insert().values(
            application_id=r.application_id,
            recipient_id=r.recipient_id,
            assessed_by=by,
            assessed_at=at,
            **a.model_dump(mode="json"),
        )
    )


async def get_assessment(session: AsyncSession, application_id: uuid.UUID) -> NeedAssessment | None:
    """The needs assessment of an approved application, or None."""
    stmt = select(needs_assessment).where(needs_assessment.c.application_id == application_id)
    row = (await session.execute(stmt)).first()
    return NeedAssessment.model_validate(row, from_attributes=True) if row else None


async def _with_items(session: AsyncSession, rows: list[Any]) -> list[Recipient]:
    ids = [r.recipient_id for r in rows]
    item_rows = (
        await session.execute(
            select(recipient_item)
            .where(recipient_item.c.recipient_id.in_(ids))
            .order_by(recipient_item.c.item_code)
        )
    ).all()
    items: dict[uuid.UUID, list[ApprovedItem]] = {i: [] for i in ids}
    for i in item_rows:
        frequency = {"times": i.frequency_times, "per": i.frequency_per}
        items[i.recipient_id].append(
            ApprovedItem.model_validate({**i._mapping, "frequency": frequency})
        )
    return [Recipient.model_validate({**r._mapping, "items": items[r.recipient_id]}) for r in rows]


async def get_recipient(session: AsyncSession, recipient_id: uuid.UUID) -> Recipient | None:
    """A recipient of the registry with its items, or None."""
    row = (
        await session.execute(select(recipient).where(recipient.c.recipient_id == recipient_id))
    ).first()
    return (await _with_items(session, [row]))[0] if row else None


async def list_recipients(
    session: AsyncSession, query: RecipientQuery, scope: Scope
) -> tuple[list[Recipient], int]:
    """One page of the registry within ``scope``, earliest approval first."""
    t = recipient.c
    stmt = select(recipient).where(_within(recipient, scope))
    if query.village_code is not None:
        stmt = stmt.where(t.village_code == query.village_code)
    if query.status is not None:
        stmt = stmt.where(t.status == query.status)
    stmt = stmt.order_by(t.approved_at, t.recipient_id)
    rows, total = await _page(session, stmt, query.page, query.size)
    return await _with_items(session, rows), total
