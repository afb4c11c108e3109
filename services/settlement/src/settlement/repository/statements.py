"""Statements: the settlement run, reading them back, and the checks before confirming."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import RowMapping, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from civic import clock
from contracts.enums import FundingSource
from settlement.domain.statements import (
    CLOSED,
    ItemTotal,
    LedgerFigures,
    SourceTotal,
    Statement,
)
from settlement.orm import (
    assistance_fund_total,
    statement,
    statement_item_total,
    statement_source_total,
)
from settlement.orm.year_end import statement_carry
from settlement.repository import settle_sql

s = statement.c


@dataclass(frozen=True)
class StatementFilter:
    """Which statements to list: every given field must match."""

    township_code: str | None = None
    county_code: str | None = None
    provider_code: str | None = None
    period: str | None = None
    status: str | None = None


_STATEMENT_FIELDS = tuple(field.name for field in fields(Statement))


def _statement(row: RowMapping) -> Statement:
    return Statement(**{name: row[name] for name in _STATEMENT_FIELDS})


def _source_total(row: RowMapping) -> SourceTotal:
    return SourceTotal(row["funding_source"], row["amount_fen"], row["line_count"])


async def settle(
    session: AsyncSession,
    *,
    period_kind: str,
    period: str,
    scope_kind: str | None,
    scope: str | None,
) -> list[uuid.UUID]:
    """Builds or refreshes the period's statements in SQL; returns those issued or changed."""
    params = {"kind": period_kind, "period": period, "scope": scope}
    for table in ("settle_agg", "settle_changed"):
        await session.execute(text(f"DROP TABLE IF EXISTS {table}"))
    await session.execute(
        text(settle_sql.AGGREGATE.format(scope=settle_sql.SCOPES[scope_kind])), params
    )
    await session.execute(text(settle_sql.OPEN_STATEMENTS), params)
    await session.execute(text(settle_sql.CHANGED), params)
    for sql in settle_sql.CLEAR_TOTALS:
        await session.execute(text(sql))
    await session.execute(text(settle_sql.ITEM_TOTALS), params)
    await session.execute(text(settle_sql.SOURCE_TOTALS), params)
    issued = await session.execute(text(settle_sql.ISSUE), {"issued_at": clock.now()})
    return sorted(issued.scalars().all(), key=str)


async def issued(
    session: AsyncSession,
) -> tuple[list[Statement], dict[uuid.UUID, list[SourceTotal]]]:
    """The statements the settlement run in this transaction changed, with their fund totals."""
    heads = (await session.execute(text(settle_sql.CHANGED_HEADS))).mappings()
    totals: dict[uuid.UUID, list[SourceTotal]] = {}
    for row in (await session.execute(text(settle_sql.CHANGED_SOURCES))).mappings():
        totals.setdefault(row["statement_id"], []).append(_source_total(row))
    return [_statement(row) for row in heads], totals


async def get(
    session: AsyncSession, statement_id: uuid.UUID, *, lock: bool = False
) -> Statement | None:
    """One statement (locked for update when asked)."""
    query = select(statement).where(s.statement_id == statement_id)
    found = await session.execute(query.with_for_update() if lock else query)
    row = found.mappings().first()
    return None if row is None else _statement(row)


async def find(
    session: AsyncSession, which: StatementFilter, *, limit: int, offset: int
) -> tuple[list[Statement], int]:
    """A page of statements and the number matching."""
    conditions = _conditions(which)
    total = (
        await session.execute(select(func.count()).select_from(statement).where(*conditions))
    ).scalar_one()
    rows = await session.execute(
        select(statement)
        .where(*conditions)
        .order_by(s.period.desc(), s.township_code, s.provider_code)
        .limit(limit)
        .offset(offset)
    )
    return [_statement(row) for row in rows.mappings()], int(total)


def _conditions(which: StatementFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if which.township_code is not None:
        conditions.append(s.township_code == which.township_code)
    if which.county_code is not None:
        conditions.append(s.county_code == which.county_code)
    if which.provider_code is not None:
        conditions.append(s.provider_code == which.provider_code)
    if which.period is not None:
        conditions.append(s.period == which.period)
    if which.status is not None:
        conditions.append(s.status == which.status)
    return conditions


async def item_totals(session: AsyncSession, statement_id: uuid.UUID) -> list[ItemTotal]:
    """The statement's totals by item (current month and adjustments apart)."""
    t = statement_item_total.c
    query = select(
        t.item_code, t.unit, t.is_adjustment, t.quantity, t.amount_fen, t.line_count
    ).where(t.statement_id == statement_id)
    rows = await session.execute(query.order_by(t.is_adjustment, t.item_code))
    return [ItemTotal(*row) for row in rows]


async def source_totals(session: AsyncSession, statement_id: uuid.UUID) -> list[SourceTotal]:
    """The statement's totals by funding source."""
    t = statement_source_total.c
    query = select(statement_source_total).where(t.statement_id == statement_id)
    rows = await session.execute(query.order_by(t.funding_source))
    return [_source_total(row) for row in rows.mappings()]


async def recompute(session: AsyncSession, statement_id: uuid.UUID) -> LedgerFigures:
    """The statement's line count and totals recomputed from the ledger itself."""
    params = {"statement_id": statement_id}
    row = (await session.execute(text(settle_sql.RECOMPUTE), params)).one()
    return LedgerFigures(row.line_count, row.total_fen, row.adjustment_fen)


async def set_status(
    session: AsyncSession, statement_id: uuid.UUID, values: dict[str, Any]
) -> Statement:
    """Moves a statement on (confirmed, paid), one version up."""
    stmt = (
        update(statement)
        .where(s.statement_id == statement_id)
        .values(version=s.version + 1, **values)
        .returning(statement)
    )
    return _statement((await session.execute(stmt)).mappings().one())


async def capped_used(session: AsyncSession, county_code: str, year: int) -> int:
    """What the capped fund already pays on the county's confirmed or paid statements of a year."""
    t = statement_source_total.c
    query = (
        select(t.amount_fen)
        .select_from(statement_source_total.join(statement, t.statement_id == s.statement_id))
        .where(
            s.county_code == county_code,
            s.status.in_(CLOSED),
            s.period.like(f"{year:04d}%"),
            t.funding_source == FundingSource.ASSISTANCE_WORK_SPECIAL.value,
        )
    )
    return sum((await session.execute(query)).scalars().all())


async def assistance_total(session: AsyncSession, county_code: str, year: int) -> int | None:
    """The locality's total social-assistance funds for a year, if recorded."""
    a = assistance_fund_total.c
    query = select(a.total_fen).where(a.county_code == county_code, a.year == year)
    return (await session.execute(query)).scalar_one_or_none()


async def status_of(
    session: AsyncSession, *, township_code: str, provider_id: uuid.UUID, kind: str, period: str
) -> str | None:
    """The status of a township's statement to a provider for a period, if there is one."""
    query = select(s.status).where(
        s.township_code == township_code,
        s.provider_id == provider_id,
        s.period_kind == kind,
        s.period == period,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def add_carries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Records a carried statement's amounts, one row per fund, for its next open period."""
    if rows:
        await session.execute(statement_carry.insert(), rows)
