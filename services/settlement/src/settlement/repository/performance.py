"""Figures for provider performance: orders, answers, services, billing, spot checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.orm import ledger_line, service_order, service_record, spot_check

o, r, line, c = service_order.c, service_record.c, ledger_line.c, spot_check.c


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
            line.county_code == county_code, line.period_kind == "monthly", line.period == period
        )
        .group_by(line.provider_id)
    )
    return {str(pid): int(total) for pid, total in await session.execute(query)}
