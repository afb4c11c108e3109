"""Trained neighbour helpers per village and the services the village records for them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import RowMapping, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.orm import neighbour_helper, neighbour_service


async def add_helper(session: AsyncSession, values: dict[str, Any]) -> None:
    """Registers a trained neighbour."""
    await session.execute(neighbour_helper.insert().values(**values))


async def helper_by_user(
    session: AsyncSession, village_code: str, user_id: str
) -> RowMapping | None:
    """A village's helper by their user id."""
    h = neighbour_helper.c
    stmt = select(neighbour_helper).where(h.village_code == village_code, h.user_id == user_id)
    return (await session.execute(stmt)).mappings().first()


async def helpers(
    session: AsyncSession, village_code: str, ids: Iterable[uuid.UUID] | None = None
) -> list[RowMapping]:
    """A village's helpers (only ``ids``, when given), by name."""
    h = neighbour_helper.c
    stmt = select(neighbour_helper).where(h.village_code == village_code)
    if ids is not None:
        stmt = stmt.where(h.helper_id.in_(list(ids)))
    return list((await session.execute(stmt.order_by(h.name_zh, h.helper_id))).mappings().all())


async def add_service(session: AsyncSession, values: dict[str, Any]) -> None:
    """Records services a neighbour gave."""
    await session.execute(neighbour_service.insert().values(**values))


async def service(session: AsyncSession, record_id: uuid.UUID) -> RowMapping | None:
    """One recorded neighbour service."""
    stmt = select(neighbour_service).where(neighbour_service.c.record_id == record_id)
    return (await session.execute(stmt)).mappings().first()


async def year_totals(session: AsyncSession, village_code: str, year: int) -> list[RowMapping]:
    """Per helper: services and days recorded in a year (the basis of the yearly subsidy)."""
    s, h = neighbour_service.c, neighbour_helper.c
    stmt = (
        select(
            h.helper_id,
            h.name_zh,
            func.coalesce(func.sum(s.count), 0).label("services"),
            func.count(func.distinct(s.service_date)).label("days"),
        )
        .select_from(
            neighbour_helper.outerjoin(
                neighbour_service,
                (s.helper_id == h.helper_id) & (extract("year", s.service_date) == year),
            )
        )
        .where(h.village_code == village_code)
        .group_by(h.helper_id, h.name_zh)
        .order_by(h.name_zh)
    )
    return list((await session.execute(stmt)).mappings().all())
