"""Reactions to review's and dispatch's facts: keep read copies, re-check affected records."""

from __future__ import annotations

from typing import Any

from civic.uow import UnitOfWork
from contracts.dispatch import (
    ProviderRegistered,
    ProviderUpdated,
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderPaused,
    ServiceOrderResumed,
)
from contracts.enums import RecipientStatus
from contracts.review import RecipientApproved, RecipientStatusChanged
from settlement.handlers.billing import hold_person, recheck
from settlement.repository import ledger, readmodels

OrderChange = ServiceOrderPaused | ServiceOrderResumed | ServiceOrderCancelled
_STATE = {
    "dispatch.ServiceOrderPaused": "paused",
    "dispatch.ServiceOrderResumed": "resumed",
    "dispatch.ServiceOrderCancelled": "cancelled",
}


async def note_recipient_approved(event: RecipientApproved, *, uow: UnitOfWork) -> None:
    """Keeps the approved recipient (status version 1) and bills the services that waited for it."""
    await hold_person(uow, event.person_id)
    await readmodels.add_recipient(uow.session, _recipient_values(event))
    status = readmodels.status_values(
        event.recipient_id,
        event.version,
        RecipientStatus.ACTIVE.value,
        event.effective_date,
        "approved",
        event.event_id,
    )
    await readmodels.add_status(uow.session, status)
    waiting = ledger.pending_for("recipient_id", event.recipient_id)
    await recheck(waiting, uow=uow, cause=event.event_id)


async def note_status_changed(event: RecipientStatusChanged, *, uow: UnitOfWork) -> None:
    """Keeps the new status version and re-prices every service from its effective date."""
    await hold_person(uow, event.person_id)
    status = readmodels.status_values(
        event.recipient_id,
        event.version,
        event.status.value,
        event.effective_date,
        event.reason_code.value,
        event.event_id,
    )
    if not await readmodels.add_status(uow.session, status):
        return  # this version is known: a repeat changes nothing
    since = ledger.affected_from("recipient_id", event.recipient_id, event.effective_date)
    await recheck(since, uow=uow, cause=event.event_id)


async def note_order_created(event: ServiceOrderCreated, *, uow: UnitOfWork) -> None:
    """Keeps the order and bills the services that waited for it."""
    await hold_person(uow, event.person_id)
    await readmodels.add_order(uow.session, readmodels.order_values(event))
    waiting = ledger.pending_for("order_id", event.order_id)
    await recheck(waiting, uow=uow, cause=event.event_id)


async def note_order_answered(
    event: ServiceOrderAccepted | ServiceOrderDeclined, *, uow: UnitOfWork
) -> None:
    """Records when the provider answered the order (for its performance) and any admission day."""
    if isinstance(event, ServiceOrderDeclined):
        await readmodels.mark_order(uow.session, event.order_id, "declined_at", event.occurred_at)
        return
    await hold_person(uow, event.person_id)
    admitted = {"admission_date": event.admission_date} if event.admission_date else {}
    await readmodels.mark_order(
        uow.session, event.order_id, "accepted_at", event.occurred_at, **admitted
    )
    if admitted:  # per-day items count from the admission day
        await recheck([ledger.r.order_id == event.order_id], uow=uow, cause=event.event_id)


async def note_order_changed(event: OrderChange, *, uow: UnitOfWork) -> None:
    """Keeps a pause, resumption or cancellation and re-prices the order's services from then."""
    await hold_person(uow, event.person_id)
    values = {
        "order_id": event.order_id,
        "version": event.version,
        "state": _STATE[event.event_type],
        "effective_date": event.effective_date,
        "reason_code": event.reason_code.value,
        "event_id": event.event_id,
    }
    if not await readmodels.add_order_change(uow.session, values):
        return
    since = ledger.affected_from("order_id", event.order_id, event.effective_date)
    await recheck(since, uow=uow, cause=event.event_id)


async def note_provider(event: ProviderRegistered | ProviderUpdated, *, uow: UnitOfWork) -> None:
    """Keeps the provider's name and type for statements."""
    await readmodels.upsert_provider(
        uow.session,
        {
            "provider_id": event.provider_id,
            "provider_code": event.provider_code,
            "name_zh": event.name_zh,
            "provider_type": event.provider_type.value,
            "county_code": event.county_code,
            "version": event.version,
        },
    )


def _recipient_values(event: RecipientApproved) -> dict[str, Any]:
    return {
        "recipient_id": event.recipient_id,
        "person_id": event.person_id,
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "approved_on": event.effective_date,
        "event_id": event.event_id,
    }
