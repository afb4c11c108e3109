"""Service orders, service records and the reference names (providers, catalogue items)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from archive.domain.stored import FileOrder, MonthCount, Provider, ServiceRecord
from archive.orm import catalogue_item, file_order, provider_ref, service_record
from contracts.dispatch import (
    ProviderRegistered,
    ProviderUpdated,
    ServiceDelivered,
    ServiceOrderCreated,
    ServiceRecordRefused,
)
from contracts.settlement import CatalogueVersionPublished

#: Order states that mean the provider is (or will be) serving the person.
OPEN_ORDER_STATES = ("created", "accepted", "resumed")


async def save_order_created(session: AsyncSession, e: ServiceOrderCreated) -> None:
    """Stores an order's details; a newer state already stored is kept."""
    details: dict[str, Any] = {
        "person_id": e.person_id,
        "recipient_id": e.recipient_id,
        "provider_id": e.provider_id,
        "provider_code": e.provider_code,
        "item_code": e.item_code,
        "service_category": e.service_category.value,
        "mode": e.mode.value,
        "funding_source": e.funding_source.value,
        "unit": e.unit.value,
        "frequency_times": e.frequency.times,
        "frequency_per": e.frequency.per.value,
        "start_date": e.start_date,
        "end_date": e.end_date,
    }
    stmt = insert(file_order).values(
        order_id=e.order_id, state="created", state_since=e.start_date, version=e.version, **details
    )
    await session.execute(stmt.on_conflict_do_update(index_elements=["order_id"], set_=details))


async def save_order_state(
    session: AsyncSession,
    *,
    order_id: uuid.UUID,
    person_id: uuid.UUID,
    state: str,
    since: date | None,
    version: int,
) -> None:
    """Moves an order to a state unless a newer version is already stored."""
    o = file_order
    stmt = insert(o).values(
        order_id=order_id, person_id=person_id, state=state, state_since=since, version=version
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["order_id"],
        set_={"state": state, "state_since": since, "version": version},
        where=o.c.version < version,
    )
    await session.execute(stmt)


async def save_record(session: AsyncSession, e: ServiceDelivered | ServiceRecordRefused) -> None:
    """Stores a service record, validated or refused (the later verdict wins)."""
    values: dict[str, Any] = {
        "person_id": e.person_id,
        "order_id": e.order_id,
        "provider_id": e.provider_id,
        "provider_code": e.provider_code,
    }
    if isinstance(e, ServiceDelivered):
        values |= {
            "outcome": "delivered",
            "item_code": e.item_code,
            "service_category": e.service_category.value,
            "mode": e.mode.value,
            "unit": e.unit.value,
            "quantity": e.quantity,
            "service_date": e.service_date,
            "village_code": e.village_code,
        }
    else:
        values |= {"outcome": "refused", "reason_code": e.reason_code.value}
    stmt = insert(service_record).values(record_id=e.record_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["record_id"], set_=values))


async def save_provider(session: AsyncSession, e: ProviderRegistered | ProviderUpdated) -> None:
    """Keeps the newest name and type of a provider."""
    values = {
        "provider_code": e.provider_code,
        "name_zh": e.name_zh,
        "provider_type": e.provider_type.value,
        "version": e.version,
    }
    stmt = insert(provider_ref).values(provider_id=e.provider_id, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["provider_id"], set_=values, where=provider_ref.c.version < e.version
    )
    await session.execute(stmt)


async def save_catalogue(session: AsyncSession, e: CatalogueVersionPublished) -> None:
    """Keeps the newest Chinese name of every item of a county's catalogue."""
    rows = [
        {
            "county_code": e.county_code,
            "item_code": i.item_code,
            "name_zh": i.name_zh,
            "service_category": i.service_category.value,
        }
        for i in e.items
    ]
    stmt = insert(catalogue_item).values([r | {"version": e.version} for r in rows])
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["county_code", "item_code"],
        set_={
            "name_zh": excluded.name_zh,
            "service_category": excluded.service_category,
            "version": excluded.version,
        },
        # A row stored before categories were kept takes its category from any version.
        where=(catalogue_item.c.version < excluded.version)
        | catalogue_item.c.service_category.is_(None),
    )
    await session.execute(stmt)


async def orders_of(session: AsyncSession, people: Collection[uuid.UUID]) -> list[FileOrder]:
    """The orders of some people, in start order."""
    o = file_order.c
    stmt = select(file_order).where(o.person_id.in_(people)).order_by(o.start_date, o.order_id)
    return [FileOrder(**row) for row in (await session.execute(stmt)).mappings()]


async def records_of(session: AsyncSession, person_id: uuid.UUID) -> list[ServiceRecord]:
    """A person's service records, in service-date order."""
    r = service_record.c
    stmt = select(service_record).where(r.person_id == person_id)
    rows = (await session.execute(stmt.order_by(r.service_date, r.record_id))).mappings()
    return [ServiceRecord(**row) for row in rows]


async def month_counts(
    session: AsyncSession, *, village_code: str, start: date, end: date
) -> list[MonthCount]:
    """Validated services per person and item in a village between two dates (end excluded)."""
    r = service_record.c
    stmt = (
        select(
            r.person_id,
            r.item_code,
            r.unit,
            func.count().label("count"),
            func.sum(r.quantity).label("qty"),
        )
        .where(
            and_(
                r.village_code == village_code,
                r.outcome == "delivered",
                r.service_date >= start,
                r.service_date < end,
            )
        )
        .group_by(r.person_id, r.item_code, r.unit)
        .order_by(r.person_id, r.item_code)
    )
    return [MonthCount(**row) for row in (await session.execute(stmt)).mappings()]


async def item_names(session: AsyncSession, *county_codes: str) -> dict[str, str]:
    """Chinese item names by item code; a later county's name wins over an earlier one's."""
    c = catalogue_item.c
    stmt = select(c.county_code, c.item_code, c.name_zh).where(c.county_code.in_(county_codes))
    rows = sorted(await session.execute(stmt), key=lambda r: county_codes.index(r.county_code))
    return {r.item_code: r.name_zh for r in rows}


async def item_categories(session: AsyncSession, county_code: str) -> dict[str, str]:
    """The service category of each item of a county's catalogue (where it is known)."""
    c = catalogue_item.c
    stmt = select(c.item_code, c.service_category).where(
        c.county_code == county_code, c.service_category.is_not(None)
    )
    return {row.item_code: row.service_category for row in await session.execute(stmt)}


async def providers(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Provider]:
    """Known providers by id."""
    stmt = select(provider_ref).where(provider_ref.c.provider_id.in_(ids))
    found = [Provider(**row) for row in (await session.execute(stmt)).mappings()]
    return {provider.provider_id: provider for provider in found}
