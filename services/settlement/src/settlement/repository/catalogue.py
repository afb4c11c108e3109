"""Catalogue versions and items: insert, list, and the version in force on a day."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import FeeUnit
from contracts.settlement import CatalogueItem
from settlement.domain.billing import Price
from settlement.domain.catalogue import VersionHead
from settlement.orm import catalogue_item, catalogue_version

v, i = catalogue_version.c, catalogue_item.c


async def latest(session: AsyncSession, county_code: str) -> VersionHead | None:
    """The county's newest version, if any."""
    row = (
        await session.execute(
            select(v.version, v.effective_from)
            .where(v.county_code == county_code)
            .order_by(v.version.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else VersionHead(row.version, row.effective_from)


async def insert_version(
    session: AsyncSession,
    *,
    county_code: str,
    version: int,
    effective_from: date,
    published_by: str,
    event_id: uuid.UUID,
    items: Sequence[CatalogueItem],
) -> bool:
    """Stores a version and its items; False when that version number already exists."""
    version_id = uuid.uuid4()
    inserted = (
        await session.execute(
            pg_insert(catalogue_version)
            .values(
                version_id=version_id,
                county_code=county_code,
                version=version,
                effective_from=effective_from,
                is_example=any(item.is_example for item in items),
                published_by=published_by,
                event_id=event_id,
            )
            .on_conflict_do_nothing()
            .returning(v.version_id)
        )
    ).first()
    if inserted is None:
        return False
    rows = [{"version_id": version_id, **item.model_dump(mode="json")} for item in items]
    await session.execute(insert(catalogue_item), rows)
    return True


async def versions(session: AsyncSession, county_code: str) -> list[dict[str, Any]]:
    """Every version of the county, newest first, without items."""
    rows = await session.execute(
        select(v.version, v.effective_from, v.is_example, v.published_by, v.published_at)
        .where(v.county_code == county_code)
        .order_by(v.version.desc())
    )
    return [dict(r._mapping) for r in rows]


async def in_force(
    session: AsyncSession, county_code: str, on: date, *, version: int | None = None
) -> tuple[dict[str, Any], list[CatalogueItem]] | None:
    """The version in force on a day (or a given version) with its items."""
    query = select(catalogue_version).where(v.county_code == county_code)
    if version is None:
        query = query.where(v.effective_from <= on)
    else:
        query = query.where(v.version == version)
    head = (await session.execute(query.order_by(v.version.desc()).limit(1))).first()
    if head is None:
        return None
    rows = await session.execute(
        select(catalogue_item).where(i.version_id == head.version_id).order_by(i.item_code)
    )
    items = [CatalogueItem.model_validate(dict(r._mapping)) for r in rows]
    return dict(head._mapping), items


async def price(session: AsyncSession, county_code: str, item_code: str, on: date) -> Price:
    """The version in force for the county on a day, and the item's unit and fee in it."""
    row = (
        await session.execute(
            select(v.version, i.unit, i.fee_fen)
            .select_from(
                catalogue_version.outerjoin(
                    catalogue_item, and_(i.version_id == v.version_id, i.item_code == item_code)
                )
            )
            .where(v.county_code == county_code, v.effective_from <= on)
            .order_by(v.version.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return Price(None)
    unit = None if row.unit is None else FeeUnit(row.unit)
    return Price(row.version, unit, row.fee_fen)


async def item_names(session: AsyncSession, county_code: str) -> dict[str, str]:
    """Chinese item names by code, from the county's newest version that lists each."""
    rows = await session.execute(
        select(i.item_code, i.name_zh)
        .select_from(catalogue_item.join(catalogue_version, i.version_id == v.version_id))
        .where(v.county_code == county_code)
        .order_by(v.version)
    )
    return {r.item_code: r.name_zh for r in rows}
