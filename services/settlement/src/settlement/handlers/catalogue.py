"""The county's catalogue and fee standard: publish a version, seed the demo at first start."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from civic.idempotency import Answer, Retry, remember, replayed
from civic.uow import UnitOfWork
from contracts.settlement import CatalogueItem, CatalogueVersionPublished, version_in_force
from settlement.domain import catalogue as rules
from settlement.repository import catalogue, locks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishVersion:
    """A county officer's new catalogue version."""

    county_code: str
    effective_from: date
    items: tuple[CatalogueItem, ...]
    published_by: str


async def publish_version(
    cmd: PublishVersion, *, uow: UnitOfWork, today: date, idempotency_key: str | None = None
) -> int:
    """Adds and publishes a version, returning its number (a retried key: the first one's)."""
    body = {"county_code": cmd.county_code, "effective_from": cmd.effective_from}
    body["items"] = cmd.items
    retry = Retry.of(
        idempotency_key, route="settlement.catalogue", user_id=cmd.published_by, body=_json(body)
    )
    async with uow:
        if (first := await replayed(retry, uow)) is not None:
            return int(first.body["version"])
        await locks.lock(uow.session, "catalogue", cmd.county_code)
        latest = await catalogue.latest(uow.session, cmd.county_code)
        number = rules.next_version(latest, cmd.effective_from, today)
        await _store(uow, _published(cmd, number))
        await remember(retry, uow, Answer(201, {"version": number}))
        await uow.commit()
        return number


async def seed_demo_catalogues(*, uow_factory: Callable[[], UnitOfWork]) -> int:
    """Gives every county-level unit without a catalogue the demo one (version 1); idempotent."""
    seeded = 0
    async with uow_factory() as uow:
        for county in rules.county_units():
            await locks.lock(uow.session, "catalogue", county)
            if await catalogue.latest(uow.session, county) is not None:
                continue
            cmd = PublishVersion(
                county, rules.DEMO_EFFECTIVE_FROM, rules.demo_items(), rules.DEMO_PUBLISHER
            )
            await _store(uow, _published(cmd, 1))
            seeded += 1
        await uow.commit()
    if seeded:
        log.info("seeded the demo catalogue (example fees) for %d county-level units", seeded)
    return seeded


def _published(cmd: PublishVersion, number: int) -> CatalogueVersionPublished:
    return CatalogueVersionPublished(
        county_code=cmd.county_code,
        version=number,
        effective_from=cmd.effective_from,
        items=cmd.items,
        published_by=cmd.published_by,
    )


async def _store(uow: UnitOfWork, event: CatalogueVersionPublished) -> None:
    await catalogue.insert_version(
        uow.session,
        county_code=event.county_code,
        version=event.version,
        effective_from=event.effective_from,
        published_by=event.published_by,
        event_id=event.event_id,
        items=event.items,
    )
    uow.emit(event)


async def catalogue_in_force(
    county_code: str, on: date, *, uow: UnitOfWork
) -> rules.CatalogueVersion | None:
    """The county's version in force on a day, with its items (None before the first one)."""
    async with uow:
        found = version_in_force(await catalogue.versions(uow.session, county_code), on)
        if found is None:
            return None
        return replace(
            found, items=await catalogue.items_of(uow.session, county_code, found.version)
        )


async def catalogue_version(
    county_code: str, version: int, *, uow: UnitOfWork
) -> rules.CatalogueVersion | None:
    """One numbered version of the county's catalogue, with its items."""
    async with uow:
        versions = await catalogue.versions(uow.session, county_code)
        found = next((v for v in versions if v.version == version), None)
        if found is None:
            return None
        return replace(found, items=await catalogue.items_of(uow.session, county_code, version))


async def catalogue_versions(county_code: str, *, uow: UnitOfWork) -> list[rules.CatalogueVersion]:
    """Every version of the county's catalogue, newest first, without items."""
    async with uow:
        return await catalogue.versions(uow.session, county_code)


def _json(value: Any) -> Any:
    return TypeAdapter(Any).dump_python(value, mode="json")
