"""A recipient's approval and status changes (stop, suspension, resumption) from review.

The stop-aid path: review announces ``RecipientStatusChanged``; ``consumers.py`` hands it to
``note_status_changed``, which keeps the status version (``repository/readmodels.py``) and
re-prices the recipient's services from the effective day (``handlers/billing.recheck`` with
the pure rules of ``domain/billing.py`` and ``domain/postings.py``, reading and writing through
``repository/billing.py``): a stopped recipient's later services are reversed out of payment.

A change of the recipient's services (``RecipientServicesChanged``) takes the same path: the
new set of items is kept as a version (``note_services_changed``) and the services from its
effective day are re-priced: a removed item's are not paid, a changed item's are paid from its
new fund. Orders do the rest (dispatch cancels a removed item's order and opens an added one's).
"""

from __future__ import annotations

from civic.uow import UnitOfWork
from contracts.enums import RecipientStatus
from contracts.review import RecipientApproved, RecipientServicesChanged, RecipientStatusChanged
from settlement.domain.records import RecordSelection
from settlement.handlers.billing import recheck
from settlement.repository.billing import BillingStore, SqlBillingStore
from settlement.repository.readmodels import items_values, recipient_values, status_values


async def note_recipient_approved(
    event: RecipientApproved, *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """Keeps the approved recipient (status version 1) and bills the services that waited for it."""
    status = status_values(event, RecipientStatus.ACTIVE.value, "approved")
    async with uow:
        store = store or SqlBillingStore(uow)
        await store.hold_person(event.person_id)
        await store.add_recipient(recipient_values(event))
        await store.add_status(status)
        await store.add_items(items_values(event))
        waiting = RecordSelection(recipient_id=event.recipient_id, pending_only=True)
        await recheck(waiting, uow=uow, cause=event.event_id, store=store)
        await uow.commit()


async def note_status_changed(
    event: RecipientStatusChanged, *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """Keeps the new status version and re-prices every service from its effective date."""
    status = status_values(event, event.status.value, event.reason_code.value)
    async with uow:
        store = store or SqlBillingStore(uow)
        # Holding the person keeps a service billed concurrently from missing the stop.
        await store.hold_person(event.person_id)
        # A version already known is a repeat: it changes nothing.
        if await store.add_status(status):
            since = RecordSelection(
                recipient_id=event.recipient_id, covering_from=event.effective_date
            )
            await recheck(since, uow=uow, cause=event.event_id, store=store)
        await uow.commit()


async def note_services_changed(
    event: RecipientServicesChanged, *, uow: UnitOfWork, store: BillingStore | None = None
) -> None:
    """Keeps the recipient's new items (by services version) and re-prices every service from
    the change's effective date by them."""
    async with uow:
        store = store or SqlBillingStore(uow)
        # Holding the person keeps a service billed concurrently from missing the change.
        await store.hold_person(event.person_id)
        # A version already known, or older than one known, is a repeat: it changes nothing.
        if await store.add_items(items_values(event)):
            since = RecordSelection(
                recipient_id=event.recipient_id, covering_from=event.effective_date
            )
            await recheck(since, uow=uow, cause=event.event_id, store=store)
        await uow.commit()
