"""A recipient's approval and status changes (stop, suspension, resumption) from review.

The stop-aid path: review announces ``RecipientStatusChanged``; ``consumers.py`` hands it to
``note_status_changed``, which keeps the status version (``repository/readmodels.py``) and
re-prices the recipient's services from the effective day (``handlers/billing.recheck`` with
the pure rules of ``domain/billing.py`` and ``domain/postings.py``, reading and writing through
``repository/billing.py``): a stopped recipient's later services are reversed out of payment.
"""

from __future__ import annotations

from civic.uow import UnitOfWork
from contracts.enums import RecipientStatus
from contracts.review import RecipientApproved, RecipientStatusChanged
from settlement.domain.records import RecordSelection
from settlement.handlers.billing import recheck
from settlement.repository.billing import BillingStore, SqlBillingStore
from settlement.repository.readmodels import recipient_values, status_values


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
