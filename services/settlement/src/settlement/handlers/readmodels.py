"""Reactions to dispatch's facts: keep read copies of orders and providers, re-check records."""

from __future__ import annotations

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
from settlement.domain.records import RecordSelection
from settlement.handlers.billing import recheck
from settlement.repository import readmodels
from settlement.repository.billing import SqlBillingStore

OrderChange = ServiceOrderPaused | ServiceOrderResumed | ServiceOrderCancelled
_STATE = {
    "dispatch.ServiceOrderPaused": "paused",
    "dispatch.ServiceOrderResumed": "resumed",
    "dispatch.ServiceOrderCancelled": "cancelled",
}


async def note_order_created(event: ServiceOrderCreated, *, uow: UnitOfWork) -> None:
    """Keeps the order and bills the services that waited for it."""
    async with uow:
        await SqlBillingStore(uow).hold_person(event.person_id)
        await readmodels.add_order(uow.session, readmodels.order_values(event))
        waiting = RecordSelection(order_id=event.order_id, pending_only=True)
        await recheck(waiting, uow=uow, cause=event.event_id)
        await uow.commit()


async def note_order_answered(
    event: ServiceOrderAccepted | ServiceOrderDeclined, *, uow: UnitOfWork
) -> None:
    """Records when the provider answered the order (for its performance) and any admission day."""
    async with uow:
        if isinstance(event, ServiceOrderDeclined):
            await readmodels.mark_order(
                uow.session, event.order_id, "declined_at", event.occurred_at
            )
        else:
            await _note_accepted(event, uow)
        await uow.commit()


async def _note_accepted(event: ServiceOrderAccepted, uow: UnitOfWork) -> None:
    await SqlBillingStore(uow).hold_person(event.person_id)
    admitted = {"admission_date": event.admission_date} if event.admission_date else {}
    await readmodels.mark_order(
        uow.session, event.order_id, "accepted_at", event.occurred_at, **admitted
    )
    if admitted:  # per-day items count from the admission day
        await recheck(RecordSelection(order_id=event.order_id), uow=uow, cause=event.event_id)


async def note_order_changed(event: OrderChange, *, uow: UnitOfWork) -> None:
    """Keeps a pause, resumption or cancellation and re-prices the order's services from then."""
    values = {
        "order_id": event.order_id,
        "version": event.version,
        "state": _STATE[event.event_type],
        "effective_date": event.effective_date,
        "reason_code": event.reason_code.value,
        "event_id": event.event_id,
    }
    async with uow:
        await SqlBillingStore(uow).hold_person(event.person_id)
        # A version already known is a repeat: it changes nothing.
        if await readmodels.add_order_change(uow.session, values):
            since = RecordSelection(order_id=event.order_id, covering_from=event.effective_date)
            await recheck(since, uow=uow, cause=event.event_id)
        await uow.commit()


async def note_provider(event: ProviderRegistered | ProviderUpdated, *, uow: UnitOfWork) -> None:
    """Keeps the provider's name and type for statements."""
    values = {
        "provider_id": event.provider_id,
        "provider_code": event.provider_code,
        "name_zh": event.name_zh,
        "provider_type": event.provider_type.value,
        "county_code": event.county_code,
        "version": event.version,
    }
    async with uow:
        await readmodels.upsert_provider(uow.session, values)
        await uow.commit()
