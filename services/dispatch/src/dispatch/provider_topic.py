"""Where a provider is told: events on its own topic ``dispatch.provider.<code>.v1``.

They go through the outbox like every other event, in the transaction that changed the
order. Only what the provider must act on travels here: ids, codes and a masked name.
No ID number, phone, address or health detail ever does; the provider fetches contact
details per order over the authenticated HTTP API, where each read is logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch.provider_topic import (
    OrderAssigned,
    OrderCancelled,
    OrderPaused,
    OrderResumed,
)
from contracts.values import Frequency
from dispatch.domain.orders import Notice, Order, OrderAction


def frequency_of(order: Order) -> Frequency:
    """The order's frequency as a contract value."""
    return Frequency(times=order.frequency_times, per=order.frequency_per)


def tell_assigned(uow: UnitOfWork, order: Order) -> None:
    """Tells the order's provider it has a new order to accept or decline."""
    event = OrderAssigned(
        person_id=order.person_id,
        provider_code=order.provider_code,
        order_id=order.order_id,
        version=order.version,
        recipient_id=order.recipient_id,
        display_name=order.display_name,
        item_code=order.item_code,
        service_category=order.service_category,
        mode=order.mode,
        frequency=frequency_of(order),
        unit=order.unit,
        township_code=order.township_code,
        village_code=order.village_code,
        start_date=order.start_date,
        end_date=order.end_date,
        respond_by=order.respond_by,
    )
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
