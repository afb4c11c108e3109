"""Catalogue versions and items: insert, list, and the version in force on a day."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import FeeUnit
from contracts.settlement import CatalogueItem
from settlement.domain.billing import Price
from settlement.domain.catalogue import CatalogueVersion, VersionHead
from settlement.domain.statements import Statement
from settlement.orm import catalogue_item, catalogue_version, ledger_line

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


async def versions(session: AsyncSession, county_code: str) -> list[CatalogueVersion]:
    """Every version of the county, newest first, without items."""
    rows = await session.execute(
        select(
            v.county_code,
            v.version,
            v.effective_from,
            v.is_example,
            v.published_by,
            v.published_at,
        )
        .where(v.county_code == county_code)
        .order_by(v.version.desc())
    )
    return [CatalogueVersion(*row) for row in rows]


async def items_of(
    session: AsyncSession, county_code: str, version: int
) -> tuple[CatalogueItem, ...]:
    """The items and fees of one version of the county's catalogue."""
    query = (
        select(catalogue_item)
        .select_from(catalogue_item.join(catalogue_version, i.version_id == v.version_id))
        .where(v.county_code == county_code, v.version == version)
        .order_by(i.item_code)
    )
    rows = (await session.execute(query)).mappings()
    return tuple(CatalogueItem.model_validate(dict(row)) for row in rows)


async def prices(
    session: AsyncSession, keys: Iterable[tuple[str, str, date]]
) -> dict[tuple[str, str, date], Price]:
    """``price`` for many (county, item, day) keys, from two reads of the counties' versions."""
    keys = set(keys)
    counties = {county for county, _, _ in keys}
    if not counties:
        return {}
    versions = (
        await session.execute(
            select(v.version_id, v.county_code, v.version, v.effective_from)
            .where(v.county_code.in_(counties))
            .order_by(v.version.desc())
        )
    ).all()
    items = await session.execute(
        select(i.version_id, i.item_code, i.unit, i.fee_fen).where(
            i.version_id.in_([row.version_id for row in versions])
        )
    )
    listed = {(row.version_id, row.item_code): row for row in items}
    found = {}
    for county, item_code, on in keys:
        # The newest version in force that day; the item's unit and fee if it lists it.
        version = next(
            (row for row in versions if row.county_code == county and row.effective_from <= on),
            None,
        )
        item = version and listed.get((version.version_id, item_code))
        if version is None:
            found[(county, item_code, on)] = Price(None)
        elif item is None:
            found[(county, item_code, on)] = Price(version.version)
        else:
            found[(county, item_code, on)] = Price(
                version.version, FeeUnit(item.unit), item.fee_fen
            )
    return found


async def item_names(session: AsyncSession, county_code: str) -> dict[str, str]:
    """Chinese item names by code, from the county's newest version that lists each."""
    rows = await session.execute(
        select(i.item_code, i.name_zh)
        .select_from(catalogue_item.join(catalogue_version, i.version_id == v.version_id))
        .where(v.county_code == county_code)
        .order_by(v.version)
    )
    return {r.item_code: r.name_zh for r in rows}


async def priced_by_examples(session: AsyncSession, statement: Statement) -> bool:
    """True if any line of the statement was priced by a demo (example-fee) catalogue version."""
    line = ledger_line.c
    used = (
        select(line.catalogue_version)
        .where(
            line.township_code == statement.township_code,
            line.provider_id == statement.provider_id,
            line.period_kind == statement.period_kind,
            line.period == statement.period,
        )
        .distinct()
    )
    query = select(v.version).where(
        v.county_code == statement.county_code, v.is_example.is_(True), v.version.in_(used)
    )
    return (await session.execute(query.limit(1))).first() is not None
