"""Read copies of recipients, status versions, orders and providers, and their timelines."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.dispatch import ServiceOrderCreated
from contracts.enums import RecipientStatus
from contracts.review import RecipientApproved, RecipientServicesChanged, RecipientStatusChanged
from settlement.domain.timelines import (
    ItemsStep,
    OrderStep,
    OrderTimeline,
    RecipientTimeline,
    StatusStep,
)
from settlement.orm import (
    order_change,
    provider,
    recipient,
    recipient_items,
    recipient_status,
    service_order,
)


def _adder(table: Table, doc: str) -> Callable[[AsyncSession, dict[str, Any]], Awaitable[bool]]:
    """An insert of a new row of ``table`` that answers False if its key was already kept."""

    async def add(session: AsyncSession, values: dict[str, Any]) -> bool:
        stmt = pg_insert(table).values(**values).on_conflict_do_nothing()
        kept = await session.execute(stmt.returning(*table.primary_key.columns))
        return bool(kept.first())

    add.__doc__ = doc
    return add


add_recipient = _adder(recipient, "Stores an approved recipient; False if it was already known.")
add_status = _adder(
    recipient_status, "Stores one status version; False if that version was already known."
)
_add_items = _adder(recipient_items, "Stores one version of a recipient's approved items.")


async def add_items(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores a version of a recipient's items; False if it or a newer one was known (a repeat
    or an older change changes nothing). The caller holds the person."""
    ri = recipient_items.c
    newest = await session.execute(
        select(func.max(ri.services_version)).where(ri.recipient_id == values["recipient_id"])
    )
    known = newest.scalar_one_or_none()
    if known is not None and known >= values["services_version"]:
        return False
    return await _add_items(session, values)


add_order = _adder(service_order, "Stores a new order; False if it was already known.")
add_order_change = _adder(
    order_change, "Stores a pause, resume or cancellation; False if that version was known."
)


async def mark_order(
    session: AsyncSession, order_id: uuid.UUID, column: str, at: datetime, **more: Any
) -> None:
    """Records when an order was first accepted or declined (and any admission day)."""
    col = service_order.c[column]
    await session.execute(
        update(service_order)
        .where(service_order.c.order_id == order_id, col.is_(None))
        .values({column: at, **more})
    )


async def upsert_provider(session: AsyncSession, values: dict[str, Any]) -> None:
    """Keeps the newest version of a provider's name and type."""
    stmt = pg_insert(provider).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[provider.c.provider_id],
        set_={k: stmt.excluded[k] for k in values if k != "provider_id"},
        where=provider.c.version < stmt.excluded.version,
    )
    await session.execute(stmt)


async def provider_names(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Provider names by id, for the ones known."""
    rows = await session.execute(
        select(provider.c.provider_id, provider.c.name_zh).where(
            provider.c.provider_id.in_(list(ids))
        )
    )
    return {r.provider_id: r.name_zh for r in rows}


async def recipient_timelines(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, RecipientTimeline]:
    """Timelines of the recipients whose approval is known (others are still awaited)."""
    wanted, c = list(set(ids)), recipient.c
    heads = await session.execute(
        select(c.recipient_id, c.category, c.special_conditions).where(c.recipient_id.in_(wanted))
    )
    who = {r.recipient_id: (r.category, frozenset(r.special_conditions or ())) for r in heads}
    known = set(who)
    rows = await session.execute(
        select(recipient_status).where(recipient_status.c.recipient_id.in_(list(known)))
    )
    steps: dict[uuid.UUID, list[StatusStep]] = {rid: [] for rid in known}
    for r in rows:
        steps[r.recipient_id].append(
            StatusStep(r.version, r.effective_date, RecipientStatus(r.status), r.new_category)
        )
    items = await _items_steps(session, known)
    return {
        rid: RecipientTimeline(tuple(s), items.get(rid, ()), *who[rid]) for rid, s in steps.items()
    }


async def _items_steps(
    session: AsyncSession, ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[ItemsStep, ...]]:
    ri = recipient_items.c
    # ``items`` is the column's name (not the collection's method).
    rows = await session.execute(
        select(ri.recipient_id, ri.services_version, ri.effective_date, ri["items"]).where(
            ri.recipient_id.in_(list(ids))
        )
    )
    found: dict[uuid.UUID, list[ItemsStep]] = {}
    for recipient_id, version, effective_date, items in rows:
        funds = {item["item_code"]: item["funding_source"] for item in items}
        found.setdefault(recipient_id, []).append(ItemsStep(version, effective_date, funds))
    return {rid: tuple(steps) for rid, steps in found.items()}


async def order_timelines(
    session: AsyncSession, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, OrderTimeline]:
    """Timelines of the orders whose creation is known."""
    wanted = list(set(ids))
    o, ch = service_order.c, order_change.c
    heads = await session.execute(
        select(o.order_id, o.provider_id, o.start_date, o.end_date, o.admission_date).where(
            o.order_id.in_(wanted)
        )
    )
    changes: dict[uuid.UUID, list[OrderStep]] = {}
    for r in await session.execute(select(order_change).where(ch.order_id.in_(wanted))):
        changes.setdefault(r.order_id, []).append(OrderStep(r.version, r.effective_date, r.state))
    return {
        h.order_id: OrderTimeline(
            h.provider_id,
            h.start_date,
            h.end_date,
            tuple(changes.get(h.order_id, ())),
            h.admission_date,
        )
        for h in heads
    }


#: The columns of an order that its ServiceOrderCreated event gives as they are.
_ORDER_AS_ANNOUNCED = {
    "order_id",
    "person_id",
    "recipient_id",
    "provider_id",
    "provider_code",
    "item_code",
    "county_code",
    "township_code",
    "start_date",
    "end_date",
}


def order_values(event: ServiceOrderCreated) -> dict[str, Any]:
    """The columns of a new order from its ServiceOrderCreated event."""
    return {
        **event.model_dump(include=_ORDER_AS_ANNOUNCED),
        "mode": event.mode.value,
        "funding_source": event.funding_source.value,
        "unit": event.unit.value,
        "frequency_times": event.frequency.times,
        "frequency_per": event.frequency.per.value,
        "ordered_at": event.occurred_at,
    }


def status_values(
    event: RecipientApproved | RecipientStatusChanged, status: str, reason: str
) -> dict[str, Any]:
    """The columns of the status version a review event announces."""
    category = event.new_category if isinstance(event, RecipientStatusChanged) else None
    return {
        "recipient_id": event.recipient_id,
        "version": event.version,
        "status": status,
        "effective_date": event.effective_date,
        "reason_code": reason,
        "event_id": event.event_id,
        "new_category": None if category is None else category.value,
    }


def recipient_values(event: RecipientApproved) -> dict[str, Any]:
    """The row of an approved recipient."""
    return {
        "recipient_id": event.recipient_id,
        "person_id": event.person_id,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "approved_on": event.effective_date,
        "event_id": event.event_id,
        "category": event.category.value,
        "special_conditions": [condition.value for condition in event.special_conditions],
    }


def items_values(event: RecipientApproved | RecipientServicesChanged) -> dict[str, Any]:
    """The version of a recipient's approved items an approval (1) or a change announces."""
    changed = event if isinstance(event, RecipientServicesChanged) else None
    return {
        "recipient_id": event.recipient_id,
        "services_version": changed.services_version if changed else 1,
        "effective_date": event.effective_date,
        "items": [
            {
                "item_code": item.item_code,
                "funding_source": item.funding_source.value,
                "mode": item.mode.value,
                "frequency_times": item.frequency.times,
                "frequency_per": item.frequency.per.value,
            }
            for item in event.approved_items
        ],
        "change_id": changed.change_id if changed else None,
        "event_id": event.event_id,
    }
