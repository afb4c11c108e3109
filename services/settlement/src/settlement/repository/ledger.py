"""Service records and ledger lines: store, find, and append (never edit) lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select, tuple_, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from contracts.kinds import LedgerLineKind, SpotCheckOutcome
from settlement.domain.ledger import LedgerLine, LineFilter, RecordFilter
from settlement.domain.postings import PostedLine
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.records import RecordSelection, ServiceRecord
from settlement.domain.statements import CLOSED
from settlement.orm import (
    complaint_outcome,
    inspection,
    ledger_line,
    service_record,
    spot_check,
    statement,
)

r, line, s = service_record.c, ledger_line.c, statement.c
CONFIRMED = SpotCheckOutcome.CONFIRMED.value


async def add_records(session: AsyncSession, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Stores delivered services in one statement; returns the ids that were not known."""
    stmt = pg_insert(service_record).on_conflict_do_nothing().returning(r.record_id)
    return set((await session.execute(stmt, rows)).scalars())


async def find_records(session: AsyncSession, which: RecordSelection) -> list[ServiceRecord]:
    """Service records selected, locked against a concurrent re-check."""
    query = select(service_record).where(*_conditions(which))
    query = query.order_by(r.service_date, r.record_id)
    rows = (await session.execute(query.with_for_update())).mappings()
    return [ServiceRecord(**{name: row[name] for name in _RECORD_FIELDS}) for row in rows]


_RECORD_FIELDS = tuple(field.name for field in fields(ServiceRecord))


def _conditions(which: RecordSelection) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if which.record_id is not None:
        conditions.append(r.record_id == which.record_id)
    if which.record_ids:
        conditions.append(r.record_id.in_(which.record_ids))
    if which.recipient_id is not None:
        conditions.append(r.recipient_id == which.recipient_id)
    if which.order_id is not None:
        conditions.append(r.order_id == which.order_id)
    if which.pending_only:
        conditions.append(r.billing_status == BillingStatus.PENDING.value)
    if which.covering_from is not None:
        conditions.append(r.covers_until >= which.covering_from)
    if not conditions:
        raise ValueError("an empty selection would re-check every record")
    return conditions


async def set_billing(
    session: AsyncSession, marks: Sequence[tuple[uuid.UUID, BillingStatus, str | None, datetime]]
) -> None:
    """Records where each service stands for payment, and why (one pipelined statement)."""
    if not marks:
        return
    stmt = (
        update(service_record)
        .where(r.record_id == bindparam("mark_record_id"))
        .values(
            billing_status=bindparam("mark_status"),
            reason_code=bindparam("mark_reason"),
            evaluated_at=bindparam("mark_at"),
        )
    )
    rows = [
        {"mark_record_id": rid, "mark_status": status.value, "mark_reason": reason, "mark_at": at}
        for rid, status, reason, at in marks
    ]
    await session.execute(stmt, rows)


async def posted(
    session: AsyncSession, record_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PostedLine]]:
    """The ledger lines already posted for each record (monthly lines only)."""
    rows = await session.execute(
        select(ledger_line)
        .where(line.record_id.in_(list(record_ids)), line.period_kind == "monthly")
        .order_by(line.posted_at, line.line_id)
    )
    out: dict[uuid.UUID, list[PostedLine]] = {}
    for x in rows:
        out.setdefault(x.record_id, []).append(
            PostedLine(
                x.line_id,
                LedgerLineKind(x.kind),
                x.quantity,
                x.unit_fee_fen,
                x.amount_fen,
                x.catalogue_version,
                x.reverses_line_id,
                x.funding_source,
            )
        )
    return out


async def disallowed(
    session: AsyncSession, record_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, NotBillableReason]:
    """The records no longer payable, and why: a failed spot check, a failed inspection, a
    substantiated complaint (the first of these found gives the reason)."""
    ids = list(record_ids)
    c, i, k = spot_check.c, inspection.c, complaint_outcome.c
    failed = union_all(
        select(c.record_id, literal(0).label("rank")).where(
            c.record_id.in_(ids), c.passed.is_(False)
        ),
        select(i.record_id, literal(1)).where(i.record_id.in_(ids), i.outcome != CONFIRMED),
        select(k.record_id, literal(2)).where(k.record_id.in_(ids), k.substantiated.is_(True)),
    )
    found: dict[uuid.UUID, NotBillableReason] = {}
    for record_id, rank in sorted(await session.execute(failed), key=lambda x: -x[1]):
        found[record_id] = _FINDINGS[rank]
    return found


#: Why a finding takes a record out of payment, by the rank ``disallowed`` gives it.
_FINDINGS = (
    NotBillableReason.SPOT_CHECK_FAILED,
    NotBillableReason.INSPECTION_FAILED,
    NotBillableReason.COMPLAINT_SUBSTANTIATED,
)


def _key(township_code: str, provider_id: uuid.UUID) -> ColumnElement[bool]:
    return and_(
        s.township_code == township_code, s.provider_id == provider_id, s.period_kind == "monthly"
    )


async def closed_periods(
    session: AsyncSession, pairs: Iterable[tuple[str, uuid.UUID]], since: str
) -> set[tuple[str, uuid.UUID, str]]:
    """(township, provider, month) of each closed statement from ``since`` on, for the
    township and provider pairs given."""
    pairs = set(pairs)
    if not pairs:
        return set()
    rows = await session.execute(
        select(s.township_code, s.provider_id, s.period).where(
            tuple_(s.township_code, s.provider_id).in_(pairs),
            s.period >= since,
            s.status.in_(CLOSED),
        )
    )
    return {(row.township_code, row.provider_id, row.period) for row in rows}


async def append(session: AsyncSession, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
    """Appends lines in one statement; returns the ids of those appended (a line of a kind
    its source already has is skipped)."""
    if not rows:
        return set()
    stmt = pg_insert(ledger_line).on_conflict_do_nothing().returning(line.line_id)
    return set((await session.execute(stmt, rows)).scalars())


async def lines(
    session: AsyncSession, which: LineFilter, *, limit: int | None = None, offset: int = 0
) -> list[LedgerLine]:
    """Ledger lines selected, in posting order."""
    query = (
        select(ledger_line)
        .where(*_line_conditions(which))
        .order_by(line.posted_at, line.line_id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = (await session.execute(query)).mappings()
    return [LedgerLine(**{name: row[name] for name in _LINE_FIELDS}) for row in rows]


async def count_lines(session: AsyncSession, which: LineFilter) -> int:
    """How many ledger lines are selected."""
    query = select(func.count()).select_from(ledger_line).where(*_line_conditions(which))
    return int((await session.execute(query)).scalar_one())


_LINE_FIELDS = tuple(field.name for field in fields(LedgerLine))


def _line_conditions(which: LineFilter) -> list[ColumnElement[bool]]:
    conditions = [line.township_code == which.township_code, line.period == which.period]
    if which.provider_id is not None:
        conditions.append(line.provider_id == which.provider_id)
    if which.period_kind is not None:
        conditions.append(line.period_kind == which.period_kind)
    return conditions


async def records_page(
    session: AsyncSession, which: RecordFilter, *, limit: int, offset: int
) -> tuple[list[ServiceRecord], int]:
    """A page of a township's service records of a month, and how many there are."""
    conditions = [
        r.township_code == which.township_code,
        r.service_date >= which.first_day,
        r.service_date <= which.last_day,
    ]
    if which.billing_status is not None:
        conditions.append(r.billing_status == which.billing_status)
    count = select(func.count()).select_from(service_record).where(*conditions)
    total = int((await session.execute(count)).scalar_one())
    query = (
        select(service_record)
        .where(*conditions)
        .order_by(r.service_date, r.record_id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(query)).mappings()
    return [ServiceRecord(**{name: row[name] for name in _RECORD_FIELDS}) for row in rows], total
