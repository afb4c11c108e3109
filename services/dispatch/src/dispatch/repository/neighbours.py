"""Trained neighbour helpers per village and the services the village records for them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import RowMapping, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.kinds import AlertChannel
from dispatch.adapters.sealing import open_values, seal_values
from dispatch.domain.neighbours import HelperYear, NeighbourService, RegisteredHelper
from dispatch.orm import neighbour_helper, neighbour_service

#: The columns the domain's records hold (the tables also keep who and when).
_HELPER_COLUMNS = [neighbour_helper.c[field.name] for field in fields(RegisteredHelper)]
_SERVICE_COLUMNS = [neighbour_service.c[field.name] for field in fields(NeighbourService)]


def _helper(row: RowMapping) -> RegisteredHelper:
    opened = open_values(neighbour_helper, row, row=row["helper_id"])
    return RegisteredHelper(**{**opened, "channel": AlertChannel(row["channel"])})


async def add_helper(session: AsyncSession, values: dict[str, Any]) -> None:
    """Registers a trained neighbour (their phone sealed for their row)."""
    sealed = seal_values(neighbour_helper, values, row=values["helper_id"])
    await session.execute(neighbour_helper.insert().values(**sealed))


async def helper_by_user(
    session: AsyncSession, village_code: str, user_id: str
) -> RegisteredHelper | None:
    """A village's helper by their user id."""
    h = neighbour_helper.c
    stmt = select(*_HELPER_COLUMNS).where(h.village_code == village_code, h.user_id == user_id)
    row = (await session.execute(stmt)).mappings().first()
    return _helper(row) if row else None


async def helpers(
    session: AsyncSession, village_code: str, ids: Iterable[uuid.UUID] | None = None
) -> list[RegisteredHelper]:
    """A village's helpers (only ``ids``, when given), by name."""
    h = neighbour_helper.c
    stmt = select(*_HELPER_COLUMNS).where(h.village_code == village_code)
    if ids is not None:
        stmt = stmt.where(h.helper_id.in_(list(ids)))
    rows = (await session.execute(stmt.order_by(h.name_zh, h.helper_id))).mappings()
    return [_helper(row) for row in rows]


async def of_villages(
    session: AsyncSession, village_codes: Iterable[str], *, page: int, size: int
) -> tuple[list[RegisteredHelper], int]:
    """A page of the villages' helpers, by village then name."""
    h = neighbour_helper.c
    where = h.village_code.in_(sorted(set(village_codes)))
    total = await session.scalar(select(func.count()).select_from(neighbour_helper).where(where))
    stmt = (
        select(*_HELPER_COLUMNS)
        .where(where)
        .order_by(h.village_code, h.name_zh, h.helper_id)
        .offset((page - 1) * size)
        .limit(size)
    )
    rows = (await session.execute(stmt)).mappings()
    return [_helper(row) for row in rows], int(total or 0)


async def add_service(session: AsyncSession, values: dict[str, Any]) -> None:
    """Records services a neighbour gave (what they did sealed for the record's row)."""
    sealed = seal_values(neighbour_service, values, row=values["record_id"])
    await session.execute(neighbour_service.insert().values(**sealed))


async def service(session: AsyncSession, record_id: uuid.UUID) -> NeighbourService | None:
    """One recorded neighbour service."""
    stmt = select(*_SERVICE_COLUMNS).where(neighbour_service.c.record_id == record_id)
    row = (await session.execute(stmt)).mappings().first()
    if row is None:
        return None
    return NeighbourService(**open_values(neighbour_service, row, row=record_id))


async def year_totals(session: AsyncSession, village_code: str, year: int) -> list[HelperYear]:
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
    return [HelperYear(**row) for row in (await session.execute(stmt)).mappings()]
