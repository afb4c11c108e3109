"""Figures for provider performance: orders, answers, services, billing, checks, complaints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.orm import (
    complaint_outcome,
    inspection,
    ledger_line,
    service_order,
    service_record,
    spot_check,
)

o, r, line, c = service_order.c, service_record.c, ledger_line.c, spot_check.c
i, k = inspection.c, complaint_outcome.c


def in_period(column: Any, period: str) -> ColumnElement[bool]:
    """A ``YYYY-MM`` column inside a month (``YYYY-MM``) or a year (``YYYY``)."""
    return column == period if len(period) == 7 else column.like(f"{period}-%")


async def orders_active(
    session: AsyncSession, county_code: str, start: date, end: date
) -> Sequence[Row[Any]]:
    """The county's orders that ran at some point between ``start`` and ``end``."""
    query = select(service_order).where(
        o.county_code == county_code,
        o.start_date <= end,
        or_(o.end_date.is_(None), o.end_date >= start),
    )
    return (await session.execute(query)).all()


async def delivered(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, dict[str, int]]:
    """Per provider: services delivered in the period and how many were checked and passed."""
    query = (
        select(
            r.provider_id,
            func.count().label("delivered"),
            func.count(c.outcome).label("checked"),
            func.count().filter(c.passed.is_(True)).label("passed"),
        )
        .select_from(service_record.outerjoin(spot_check, c.record_id == r.record_id))
        .where(r.county_code == county_code, r.service_date >= start, r.service_date <= end)
        .group_by(r.provider_id)
    )
    return {str(x.provider_id): dict(x._mapping) for x in await session.execute(query)}


async def billed(session: AsyncSession, county_code: str, period: str) -> dict[str, int]:
    """Per provider: the net amount on the period's monthly ledger lines."""
    query = (
        select(line.provider_id, func.sum(line.amount_fen))
        .where(
            line.county_code == county_code,
            line.period_kind == "monthly",
            in_period(line.period, period),
        )
        .group_by(line.provider_id)
    )
    return {str(pid): int(total) for pid, total in await session.execute(query)}


async def records_billed(
    session: AsyncSession, county_code: str, period: str
) -> dict[str, dict[str, int]]:
    """Per provider: records of the period charged, and of those, reversed to nothing since."""
    per_record = (
        select(
            line.provider_id,
            line.record_id,
            func.sum(line.amount_fen).label("net"),
            func.count().filter(line.kind == "reversal").label("reversals"),
        )
        .where(
            line.county_code == county_code,
            line.period_kind == "monthly",
            in_period(line.service_month, period),
        )
        .group_by(line.provider_id, line.record_id)
        .having(func.count().filter(line.kind == "charge") > 0)
        .subquery()
    )
    reversed_ = case((per_record.c.reversals > 0, per_record.c.net <= 0), else_=False)
    query = select(
        per_record.c.provider_id,
        func.count().label("billed"),
        func.count().filter(reversed_).label("reversed"),
    ).group_by(per_record.c.provider_id)
    return {str(x.provider_id): dict(x._mapping) for x in await session.execute(query)}


async def inspections(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, dict[str, int]]:
    """Per provider: inspections of the period naming it, and how many confirmed the service."""
    query = (
        select(
            i.provider_id,
            func.count().label("inspected"),
            func.count().filter(i.outcome == "confirmed").label("passed"),
        )
        .where(
            i.county_code == county_code,
            i.provider_id.is_not(None),
            i.checked_on >= start,
            i.checked_on <= end,
        )
        .group_by(i.provider_id)
    )
    return {str(x.provider_id): dict(x._mapping) for x in await session.execute(query)}


async def complaints_substantiated(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, int]:
    """Per provider: complaints resolved in the period and found true (wholly or in part)."""
    query = (
        select(k.provider_id, func.count())
        .where(
            or_(k.county_code == county_code, k.township_code.startswith(county_code)),
            k.provider_id.is_not(None),
            k.substantiated.is_(True),
            k.resolved_on >= start,
            k.resolved_on <= end,
        )
        .group_by(k.provider_id)
    )
    return {str(pid): int(n) for pid, n in await session.execute(query)}


async def township_checks(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, int]:
    """Per township: spot checks with a finding, of the services delivered in the period."""
    query = (
        select(r.township_code, func.count())
        .select_from(service_record.join(spot_check, c.record_id == r.record_id))
        .where(
            r.county_code == county_code,
            r.service_date >= start,
            r.service_date <= end,
            c.outcome.is_not(None),
        )
        .group_by(r.township_code)
    )
    return {str(code): int(n) for code, n in await session.execute(query)}


async def township_billed(session: AsyncSession, county_code: str, period: str) -> dict[str, int]:
    """Per township: service records of the period that were charged."""
    query = (
        select(line.township_code, func.count(func.distinct(line.record_id)))
        .where(
            line.county_code == county_code,
            line.kind == "charge",
            in_period(line.service_month, period),
        )
        .group_by(line.township_code)
    )
    return {str(code): int(n) for code, n in await session.execute(query)}


async def township_complaints(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, dict[str, int]]:
    """Per township: complaints resolved in the period, and how many after their deadline."""
    query = (
        select(
            k.township_code,
            func.count().label("resolved"),
            func.count().filter(k.overdue.is_(True)).label("overdue"),
        )
        .where(
            k.township_code.startswith(county_code), k.resolved_on >= start, k.resolved_on <= end
        )
        .group_by(k.township_code)
    )
    return {str(x.township_code): dict(x._mapping) for x in await session.execute(query)}


async def village_visits(
    session: AsyncSession, county_code: str, start: date, end: date
) -> dict[str, int]:
    """Per village: follow-up visits (village-level inspections) made in the period."""
    query = (
        select(i.village_code, func.count())
        .where(
            i.county_code == county_code,
            i.supervision_level == "village",
            i.village_code.is_not(None),
            i.checked_on >= start,
            i.checked_on <= end,
        )
        .group_by(i.village_code)
    )
    return {str(code): int(n) for code, n in await session.execute(query)}
