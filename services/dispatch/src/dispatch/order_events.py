"""The events on ``dispatch.orders.v1``, built from an order row as it now stands."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import RowMapping

from contracts.dispatch.orders import (
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderEscalated,
)
from contracts.enums import Role
from contracts.reasons import EscalationKind, OrderChangeReason
from dispatch.provider_topic import frequency_of


def _ids(order: RowMapping) -> dict[str, object]:
    return {
        "person_id": order["person_id"],
        "order_id": order["order_id"],
        "version": order["version"],
    }


def _provider(order: RowMapping) -> dict[str, object]:
    return {"provider_id": order["provider_id"], "provider_code": order["provider_code"]}


def created(order: RowMapping) -> ServiceOrderCreated:
    """The order went to a provider."""
    return ServiceOrderCreated(
        **_ids(order),
        **_provider(order),
        recipient_id=order["recipient_id"],
        item_code=order["item_code"],
        service_category=order["service_category"],
        mode=order["mode"],
        frequency=frequency_of(order),
        funding_source=order["funding_source"],
        unit=order["unit"],
        catalogue_version=order["catalogue_version"],
        county_code=order["county_code"],
        township_code=order["township_code"],
        village_code=order["village_code"],
        start_date=order["start_date"],
        end_date=order["end_date"],
        referral_id=order["referral_id"],
        replaces_order_id=order["replaces_order_id"],
    )


def accepted(order: RowMapping) -> ServiceOrderAccepted:
    """The provider accepted."""
    return ServiceOrderAccepted(
        **_ids(order),
        **_provider(order),
        admission_date=order["admission_date"],
        paired_member_ref=order["paired_member_ref"],
    )


def declined(order: RowMapping) -> ServiceOrderDeclined:
    """The provider declined."""
    return ServiceOrderDeclined(
        **_ids(order),
        **_provider(order),
        reason_code=order["decline_reason_code"],
        reason_zh=order["decline_reason_zh"],
    )


def escalated(order: RowMapping, kind: EscalationKind) -> ServiceOrderEscalated:
    """The order waits for a township officer (no provider, or no answer)."""
    return ServiceOrderEscalated(
        **_ids(order),
        **_provider(order),
        kind=kind,
        escalated_to=Role.TOWNSHIP_OFFICER,
        respond_by=order["respond_by"],
        unplaced_reason=order["unplaced_reason"],
        referral_id=order["referral_id"],
        recipient_id=order["recipient_id"],
        item_code=order["item_code"],
        mode=order["mode"],
        township_code=order["township_code"],
        village_code=order["village_code"],
    )


def cancelled(
    order: RowMapping,
    *,
    reason: OrderChangeReason,
    effective_date: date,
    replaced_by: uuid.UUID | None,
    reason_zh: str | None = None,
) -> ServiceOrderCancelled:
    """The order ended (handed to another provider, or stopped)."""
    return ServiceOrderCancelled(
        **_ids(order),
        effective_date=effective_date,
        reason_code=reason,
        reason_zh=reason_zh,
        replaced_by_order_id=replaced_by,
    )
