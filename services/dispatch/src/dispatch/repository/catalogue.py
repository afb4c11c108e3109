"""The read copy of the county catalogue (settlement owns it and its fees)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import FeeUnit, ServiceCategory
from contracts.settlement import CatalogueVersionPublished, version_in_force
from dispatch.orm import catalogue_item


@dataclass(frozen=True)
class Version:
    """One catalogue version of a county and the day it starts."""

    version: int
    effective_from: date


@dataclass(frozen=True)
class Item:
    """One catalogue item of the version in effect."""

    item_code: str
    name_zh: str
    service_category: ServiceCategory
    unit: FeeUnit
    version: int


async def store_version(session: AsyncSession, event: CatalogueVersionPublished) -> None:
    """Keeps a published catalogue version (a repeated version changes nothing)."""
    rows = [
        {
            "county_code": event.county_code,
            "version": event.version,
            "item_code": i.item_code,
            "name_zh": i.name_zh,
            "service_category": i.service_category.value,
            "unit": i.unit.value,
            "effective_from": event.effective_from,
        }
        for i in event.items
    ]
    await session.execute(pg_insert(catalogue_item).values(rows).on_conflict_do_nothing())


async def _version_on(session: AsyncSession, county_code: str, on: date) -> int | None:
    c = catalogue_item.c
    stmt = select(c.version, c.effective_from).where(c.county_code == county_code).distinct()
    versions = [Version(row.version, row.effective_from) for row in await session.execute(stmt)]
    in_force = version_in_force(versions, on)
    if in_force is None and versions:  # only future versions so far: use the newest
        return max(v.version for v in versions)
    return None if in_force is None else in_force.version


async def items_on(
    session: AsyncSession, county_code: str, on: date, codes: Iterable[str] | None = None
) -> dict[str, Item]:
    """The items of the version in effect on ``on`` (only ``codes``, when given)."""
    version = await _version_on(session, county_code, on)
    if version is None:
        return {}
    c = catalogue_item.c
    stmt = select(catalogue_item).where(c.county_code == county_code, c.version == version)
    if codes is not None:
        stmt = stmt.where(c.item_code.in_(list(codes)))
    rows = (await session.execute(stmt)).mappings().all()
    return {
        r["item_code"]: Item(
            r["item_code"],
            r["name_zh"],
            ServiceCategory(r["service_category"]),
            FeeUnit(r["unit"]),
            r["version"],
        )
        for r in rows
    }
