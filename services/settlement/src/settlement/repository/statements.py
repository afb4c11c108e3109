"""Statements: the settlement run, reading them back, and the checks before confirming."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from civic import clock
from contracts.enums import FundingSource
from settlement.domain.statements import CLOSED
from settlement.orm import (
    assistance_fund_total,
    statement,
    statement_item_total,
    statement_source_total,
)
from settlement.repository import settle_sql

s = statement.c


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
) -> tuple[Sequence[Row[Any]], dict[uuid.UUID, list[Row[Any]]]]:
    """The statements the settlement run in this transaction changed, with their fund totals."""
    heads = await session.execute(text(settle_sql.CHANGED_HEADS))
    totals: dict[uuid.UUID, list[Row[Any]]] = {}
    for row in await session.execute(text(settle_sql.CHANGED_SOURCES)):
        totals.setdefault(row.statement_id, []).append(row)
    return heads.all(), totals


async def get(
    session: AsyncSession, statement_id: uuid.UUID, *, lock: bool = False
) -> Row[Any] | None:
    """One statement (locked for update when asked)."""
    query = select(statement).where(s.statement_id == statement_id)
    return (await session.execute(query.with_for_update() if lock else query)).first()


async def find(
    session: AsyncSession, *conditions: ColumnElement[bool], limit: int, offset: int
) -> tuple[Sequence[Row[Any]], int]:
    """A page of statements and the number matching."""
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
    return rows.all(), int(total)


async def item_totals(session: AsyncSession, statement_id: uuid.UUID) -> Sequence[Row[Any]]:
    """The statement's totals by item (current month and adjustments apart)."""
    t = statement_item_total.c
    query = select(statement_item_total).where(t.statement_id == statement_id)
    return (await session.execute(query.order_by(t.is_adjustment, t.item_code))).all()


async def source_totals(session: AsyncSession, statement_id: uuid.UUID) -> Sequence[Row[Any]]:
    """The statement's totals by funding source."""
    t = statement_source_total.c
    query = select(statement_source_total).where(t.statement_id == statement_id)
    return (await session.execute(query.order_by(t.funding_source))).all()


async def recompute(session: AsyncSession, statement_id: uuid.UUID) -> Row[Any]:
    """The statement's line count and totals recomputed from the ledger itself."""
    return (await session.execute(text(settle_sql.RECOMPUTE), {"statement_id": statement_id})).one()


async def set_status(
    session: AsyncSession, statement_id: uuid.UUID, values: dict[str, Any]
) -> Row[Any]:
    """Moves a statement on (confirmed, paid), one version up."""
    stmt = (
        update(statement)
        .where(s.statement_id == statement_id)
        .values(version=s.version + 1, **values)
        .returning(statement)
    )
    return (await session.execute(stmt)).one()


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
