"""The read copy of the county catalogues that settlement publishes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.settlement import CatalogueVersionPublished
from intake.domain.model import Catalogue, CatalogueEntry
from intake.orm import catalogue_version


async def catalogue_versions(session: AsyncSession, county_code: str) -> list[Catalogue]:
    """Every catalogue version received for a county."""
    versions = catalogue_version.c
    rows = await session.execute(
        select(
            versions.county_code, versions.version, versions.effective_from, versions["items"]
        ).where(versions.county_code == county_code)
    )
    return [
        Catalogue(
            row.county_code,
            row.version,
            row.effective_from,
            {i["item_code"]: CatalogueEntry.from_json(i) for i in row.items},
        )
        for row in rows
    ]


async def store_catalogue(session: AsyncSession, event: CatalogueVersionPublished) -> bool:
    """Keeps a catalogue version; False when this (county, version) was already held."""
    items = [
        CatalogueEntry(i.item_code, i.name_zh, i.service_category).to_json() for i in event.items
    ]
    stmt = (
        pg_insert(catalogue_version)
        .values(
            county_code=event.county_code,
            version=event.version,
            effective_from=event.effective_from,
            items=items,
        )
        .on_conflict_do_nothing()
        .returning(catalogue_version.c.version)
    )
    return (await session.execute(stmt)).first() is not None
