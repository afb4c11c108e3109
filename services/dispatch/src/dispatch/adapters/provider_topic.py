"""Where a provider is told: events on its own topic ``dispatch.provider.<code>.v1``.

They go through the outbox like every other event, in the transaction that changed the
order. Only what the provider must act on travels here: ids, codes and a masked name.
No ID number, phone, address or health detail ever does; the provider fetches contact
details per order over the authenticated HTTP API, where each read is logged.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any, TypeVar

from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch.provider_topic import (
    OrderAssigned,
    OrderCancelled,
    OrderPaused,
    OrderResumed,
)
from contracts.envelope import Event
from contracts.values import Frequency
from dispatch.domain.orders import Notice, Order, OrderAction

EventT = TypeVar("EventT", bound=Event)
ORDER_FIELDS = frozenset(field.name for field in fields(Order))


def frequency_of(order: Order) -> Frequency:
    """The order's frequency as a contract value."""
    return Frequency(times=order.frequency_times, per=order.frequency_per)


def from_order(cls: type[EventT], order: Order, **computed: Any) -> EventT:
    """An event of ``cls`` carrying every field it shares with the order as it now stands,
    and the ``computed`` ones."""
    shared = {k: getattr(order, k) for k in cls.model_fields if k in ORDER_FIELDS}
    return cls(**(shared | computed))


def tell_assigned(uow: UnitOfWork, order: Order) -> None:
    """Tells the order's provider it has a new order to accept or decline."""
    event = from_order(OrderAssigned, order, frequency=frequency_of(order))
    uow.emit(event, topic=topics.provider_orders(event.provider_code))


def change_notice(
    order: Order, notice: Notice, *, acknowledge_by: datetime
) -> OrderPaused | OrderResumed | OrderCancelled:
    """The order's provider is told to pause, resume or stop serving it, and to acknowledge."""
    common: dict[str, Any] = {
        "person_id": order.person_id,
        "provider_code": order.provider_code,
        "order_id": order.order_id,
        "version": order.version,
        "effective_date": notice.effective_date,
        "reason_code": notice.reason,
        "reason_zh": notice.reason.label_zh,
        "acknowledge_by": acknowledge_by,
    }
    if notice.action is OrderAction.PAUSE:
        return OrderPaused(**common, expected_end=notice.expected_end)
    if notice.action is OrderAction.RESUME:
        return OrderResumed(**common)
    return OrderCancelled(**common)
