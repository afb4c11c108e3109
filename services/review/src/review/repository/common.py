"""Helpers the repository modules share: plain column values, jurisdiction filter, pages."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Table, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.divisions import DivisionLevel
from review.domain.access import Scope


def plain(value: Any) -> Any:
    """An enum's value, a tuple as a list: what the driver takes."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def columns(model: BaseModel, *, exclude: set[str]) -> dict[str, Any]:
    """A model's fields as column values (dates and UUIDs kept, enums and tuples made plain)."""
    return {k: plain(v) for k, v in model.model_dump(exclude=exclude).items()}


def within(table: Table, scope: Scope) -> ColumnElement[bool]:
    """Rows of ``table`` inside the scope."""
    column = {
        DivisionLevel.COUNTY: table.c.county_code,
        DivisionLevel.TOWNSHIP: table.c.township_code,
        DivisionLevel.VILLAGE: table.c.village_code,
    }.get(scope.level)
    # Every row is in Chizhou, so the city level sees them all.
    return true() if column is None else column == scope.code


async def page(session: AsyncSession, stmt: Any, number: int, size: int) -> tuple[list[Any], int]:
    """One page of ``stmt`` and the total count."""
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.offset((number - 1) * size).limit(size))).all()
    return list(rows), int(total)
