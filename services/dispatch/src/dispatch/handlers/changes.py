"""Order changes a provider must acknowledge: announced, told on its topic, tracked in the DB.

A pause, resumption or end goes to ``dispatch.orders.v1`` and, when the order has a
provider, to the provider's own topic with ``acknowledge_by``. That deadline is a row of
``order_change`` (one per order version), so the watcher escalates what is still
unanswered after a restart too (``deadlines``). The provider answers with
OrderChangeAcknowledged on its reply topic or over HTTP, naming the notice's event id or the
order version it has seen; that answers the order's earlier changes as well.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from civic import clock
from civic.audit import saw
from civic.errors import Conflict, NotFound
from civic.uow import UnitOfWork
from contracts import topics
from dispatch.adapters import order_events
from dispatch.adapters.provider_topic import change_notice
from dispatch.domain.orders import Notice, Order, OrderChange
from dispatch.handlers import Timing
from dispatch.handlers.refused import kept_if_refused
from dispatch.handlers.replies import own_order
from dispatch.repository import changes
from dispatch.repository.status import SqlStatusStore, StatusStore


@dataclass(frozen=True)
class Acknowledgement:
    """A provider's confirmation that it saw the change to ``order_version``."""

    order_id: uuid.UUID
    order_version: int
    provider_code: str
    event_id: uuid.UUID | None
    via: str  # "http" or "kafka"
    by: str


async def change_order(
    order_id: uuid.UUID,
    values: dict[str, Any],
    notice: Notice,
    *,
    uow: UnitOfWork,
    timing: Timing,
    store: StatusStore | None = None,
) -> Order:
    """Changes an order, announces it, and asks its provider (if any) to acknowledge."""
    async with uow:
        store = store or SqlStatusStore(uow)
        why = {
            "change_reason_code": notice.reason.value,
            "change_effective_date": notice.effective_date,
        }
        changed = await store.change_order(order_id, values | why)
        uow.emit(order_events.changed(changed, notice))
        if changed.provider_code is not None:
            await _tell_provider(uow, store, changed, notice, timing)
        await uow.commit()
        return changed


async def _tell_provider(
    uow: UnitOfWork, store: StatusStore, order: Order, notice: Notice, timing: Timing
) -> None:
    """Sends the notice on the provider's topic and keeps the acknowledgement it owes."""
    acknowledge_by = clock.now() + timing.change_acknowledgement
    event = change_notice(order, notice, acknowledge_by=acknowledge_by)
    uow.emit(event, topic=topics.provider_orders(event.provider_code))
    await store.expect_acknowledgement(
        {
            "change_id": event.event_id,
            "order_id": order.order_id,
            "order_version": order.version,
            "provider_code": order.provider_code,
            "kind": notice.action.value,
            "reason_code": notice.reason.value,
            "effective_date": notice.effective_date,
            "cause_event_id": notice.cause_event_id,
            "acknowledge_by": acknowledge_by,
        },
    )


async def acknowledge_change(ack: Acknowledgement, *, uow: UnitOfWork) -> OrderChange:
    """Records the provider's acknowledgement; a repeat keeps the first, a late one is kept."""
    async with uow:
        return await kept_if_refused(uow, lambda: _acknowledge(ack, uow))


async def _acknowledge(ack: Acknowledgement, uow: UnitOfWork) -> OrderChange:
    order = await own_order(uow, ack.order_id, ack.provider_code)
    saw(order.person_id)  # the change answered names only the order
    if ack.order_version > order.version:
        raise Conflict("服务订单版本无效", code="order_version_unknown", field="order_version")
    change = await _acknowledged(uow, ack)
    if change.acknowledged_at is not None:
        return change  # a repeat: the first acknowledgement stands
    seen = {"acknowledged_at": clock.now(), "acknowledged_via": ack.via}
    seen["acknowledged_by"] = ack.by
    await changes.acknowledge(uow.session, ack.order_id, change.order_version, seen)
    stored = await changes.get(uow.session, change.change_id)
    assert stored is not None
    await uow.commit()
    return stored


async def _acknowledged(uow: UnitOfWork, ack: Acknowledgement) -> OrderChange:
    """The notice named by its event id, else the order's latest change up to the version."""
    if ack.event_id is not None:
        change = await changes.get(uow.session, ack.event_id)
    else:
        change = await changes.latest(uow.session, ack.order_id, ack.order_version)
    if change is None or change.order_id != ack.order_id:
        raise NotFound("未找到待确认的订单变更通知", code="change_not_found", field="order_version")
    return change
