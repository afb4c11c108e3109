"""Service records and ledger lines: store, find, and append (never edit) lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from contracts.kinds import LedgerLineKind
from settlement.domain.postings import PostedLine
from settlement.domain.reasons import BillingStatus
from settlement.domain.statements import CLOSED
from settlement.orm import ledger_line, service_record, spot_check, statement

r, line, s = service_record.c, ledger_line.c, statement.c


async def add_record(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores a delivered service; False if the record was already known."""
    stmt = pg_insert(service_record).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(r.record_id))).first())


async def find_records(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> Sequence[Row[Any]]:
    """Service records matching the conditions, locked against a concurrent re-check."""
    query = select(service_record).where(*conditions).order_by(r.service_date, r.record_id)
    return (await session.execute(query.with_for_update())).all()


def pending_for(column: str, value: uuid.UUID) -> list[ColumnElement[bool]]:
    """Conditions: the records of a recipient or order still waiting for it."""
    return [r[column] == value, r.billing_status == BillingStatus.PENDING.value]


def affected_from(column: str, value: uuid.UUID, day: date) -> list[ColumnElement[bool]]:
    """Conditions: the records of a recipient or order that stand for ``day`` or later."""
    return [r[column] == value, r.covers_until >= day]


async def set_billing(
    session: AsyncSession,
    record_id: uuid.UUID,
    status: BillingStatus,
    reason: str | None,
    at: datetime,
) -> None:
    """Records where a service stands for payment, and why."""
    await session.execute(
        update(service_record)
        .where(r.record_id == record_id)
        .values(billing_status=status.value, reason_code=reason, evaluated_at=at)
    )


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
            )
        )
    return out


async def disallowed(session: AsyncSession, record_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The records a spot check failed (no longer payable)."""
    c = spot_check.c
    rows = await session.execute(
        select(c.record_id).where(c.record_id.in_(list(record_ids)), c.passed.is_(False))
    )
    return set(rows.scalars())


def _key(township_code: str, provider_id: uuid.UUID) -> ColumnElement[bool]:
    return and_(
        s.township_code == township_code, s.provider_id == provider_id, s.period_kind == "monthly"
    )


async def closed_periods(
    session: AsyncSession, township_code: str, provider_id: uuid.UUID, since: str
) -> set[str]:
    """Months from ``since`` on whose statement for this township and provider is closed."""
    rows = await session.execute(
        select(s.period).where(
            _key(township_code, provider_id), s.period >= since, s.status.in_(CLOSED)
        )
    )
    return set(rows.scalars())


async def append(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Appends a line; False if a line of that kind for that source already exists."""
    stmt = pg_insert(ledger_line).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(line.line_id))).first())


async def lines(
    session: AsyncSession,
    *conditions: ColumnElement[bool],
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Row[Any]]:
    """Ledger lines matching the conditions, in posting order."""
    query = (
        select(ledger_line).where(*conditions).order_by(line.posted_at, line.line_id).offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return (await session.execute(query)).all()
