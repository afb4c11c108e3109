"""Read copies of recipients, status versions, orders and providers, and their timelines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import RecipientStatus
from settlement.domain.timelines import OrderStep, OrderTimeline, RecipientTimeline, StatusStep
from settlement.orm import order_change, provider, recipient, recipient_status, service_order


async def add_recipient(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores an approved recipient; False if it was already known."""
    stmt = pg_insert(recipient).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(recipient.c.recipient_id))).first())


async def add_status(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores one status version; False if that version was already known (a repeat)."""
    stmt = pg_insert(recipient_status).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(recipient_status.c.version))).first())


async def add_order(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores a new order; False if it was already known."""
    stmt = pg_insert(service_order).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(service_order.c.order_id))).first())


async def add_order_change(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Stores a pause, resume or cancellation; False if that version was already known."""
    stmt = pg_insert(order_change).values(**values).on_conflict_do_nothing()
    return bool((await session.execute(stmt.returning(order_change.c.version))).first())


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
    wanted = list(set(ids))
    known = set(
        (
            await session.execute(
                select(recipient.c.recipient_id).where(recipient.c.recipient_id.in_(wanted))
            )
        )
        .scalars()
        .all()
    )
    rows = await session.execute(
        select(recipient_status).where(recipient_status.c.recipient_id.in_(list(known)))
    )
    steps: dict[uuid.UUID, list[StatusStep]] = {rid: [] for rid in known}
    for r in rows:
        steps[r.recipient_id].append(
            StatusStep(r.version, r.effective_date, RecipientStatus(r.status))
        )
    return {rid: RecipientTimeline(tuple(s)) for rid, s in steps.items()}


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


def order_values(event: Any) -> dict[str, Any]:
    """The columns of a new order from its ServiceOrderCreated event."""
    return {
        "order_id": event.order_id,
        "person_id": event.person_id,
        "recipient_id": event.recipient_id,
        "provider_id": event.provider_id,
        "provider_code": event.provider_code,
        "item_code": event.item_code,
        "mode": event.mode.value,
        "funding_source": event.funding_source.value,
        "unit": event.unit.value,
        "frequency_times": event.frequency.times,
        "frequency_per": event.frequency.per.value,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "ordered_at": event.occurred_at,
    }


def status_values(
    recipient_id: uuid.UUID, version: int, status: str, day: date, reason: str, event_id: uuid.UUID
) -> dict[str, Any]:
    """The columns of one status version."""
    return {
        "recipient_id": recipient_id,
        "version": version,
        "status": status,
        "effective_date": day,
        "reason_code": reason,
        "event_id": event_id,
    }


def recipient_values(event: Any) -> dict[str, Any]:
    """The row of an approved recipient (``contracts.review.RecipientApproved``)."""
    return {
        "recipient_id": event.recipient_id,
        "person_id": event.person_id,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "approved_on": event.effective_date,
        "event_id": event.event_id,
    }
