"""The events on ``dispatch.orders.v1``, built from an order row as it now stands."""

from __future__ import annotations

from typing import Any

from contracts.dispatch.orders import (
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderEscalated,
    ServiceOrderPaused,
    ServiceOrderResumed,
)
from contracts.enums import Role
from contracts.reasons import EscalationKind
from dispatch.adapters.provider_topic import frequency_of, from_order
from dispatch.domain.orders import Notice, Order, OrderAction, OrderChange


def _ids(order: Order) -> dict[str, object]:
    return {
        "person_id": order.person_id,
        "order_id": order.order_id,
        "version": order.version,
    }


def _provider(order: Order) -> dict[str, object]:
    return {"provider_id": order.provider_id, "provider_code": order.provider_code}


def created(order: Order) -> ServiceOrderCreated:
    """The order went to a provider."""
    return from_order(ServiceOrderCreated, order, frequency=frequency_of(order))


def accepted(order: Order) -> ServiceOrderAccepted:
    """The provider accepted."""
    return ServiceOrderAccepted(
        **_ids(order),
        **_provider(order),
        admission_date=order.admission_date,
        paired_member_ref=order.paired_member_ref,
    )


def declined(order: Order) -> ServiceOrderDeclined:
    """The provider declined."""
    return ServiceOrderDeclined(
        **_ids(order),
        **_provider(order),
        reason_code=order.decline_reason_code,
        reason_zh=order.decline_reason_zh,
    )


def escalated(
    order: Order, kind: EscalationKind, *, unanswered: OrderChange | None = None
) -> ServiceOrderEscalated:
    """The order waits for a township officer (no provider, no answer, no acknowledgement)."""
    return ServiceOrderEscalated(
        **_ids(order),
        **_provider(order),
        kind=kind,
        escalated_to=Role.TOWNSHIP_OFFICER,
        respond_by=unanswered.acknowledge_by if unanswered else order.respond_by,
        source_event_id=unanswered.change_id if unanswered else None,
        unplaced_reason=order.unplaced_reason,
        reason_zh=order.unplaced_reason_zh,
        referral_id=order.referral_id,
        recipient_id=order.recipient_id,
        item_code=order.item_code,
        mode=order.mode,
        township_code=order.township_code,
        village_code=order.village_code,
    )


def changed(
    order: Order, notice: Notice
) -> ServiceOrderPaused | ServiceOrderResumed | ServiceOrderCancelled:
    """The order was paused, resumed or ended (a status change, or an officer's re-assignment)."""
    common: dict[str, Any] = {
        **_ids(order),
        "effective_date": notice.effective_date,
        "reason_code": notice.reason,
        "reason_zh": notice.note_zh,
        "cause_event_id": notice.cause_event_id,
    }
    if notice.action is OrderAction.PAUSE:
        return ServiceOrderPaused(**common, expected_end=notice.expected_end)
    if notice.action is OrderAction.RESUME:
        return ServiceOrderResumed(**common)
    return ServiceOrderCancelled(**common, replaced_by_order_id=notice.replaced_by)
