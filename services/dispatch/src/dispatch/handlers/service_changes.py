"""A change of a recipient's services (review's RecipientServicesChanged), applied to exactly
the orders of the items it adds, removes or changes (issue 20).

Applied once per services version, in the consumer's unit of work, under the recipient's lock
(the same as a status change's): a repeat or an older version changes nothing. A change that
overtook the approval (another topic) waits in ``services_change`` and is applied right after
the approval placed the orders (``catch_up_services``). Ended orders go the existing way
(``handlers.changes.change_order``: announced, the provider told on its topic and asked to
acknowledge); new ones the referral way (``handlers.referral.place``), trying the township's
chosen provider first. For a suspended recipient the new items are kept (``pending_item``)
and placed when the suspension ends (``place_pending``, called by the status change).
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from civic import clock
from civic.uow import UnitOfWork
from contracts.enums import FundingSource, RecipientStatus, ServiceCategory, ServiceMode
from contracts.review import RecipientServicesChanged
from contracts.values import ApprovedItem, Frequency
from dispatch.domain.orders import Notice, Order, OrderAction, OrderStatus
from dispatch.domain.recipients import Recipient
from dispatch.domain.service_changes import (
    Ending,
    HeldOrder,
    Opening,
    ServicesChange,
    is_news,
    react,
)
from dispatch.handlers import Timing
from dispatch.handlers.changes import change_order
from dispatch.handlers.referral import Basis, in_service, place
from dispatch.repository import orders, recipients
from dispatch.repository import service_changes as changes

log = logging.getLogger(__name__)


async def change_services(
    event: RecipientServicesChanged, *, uow: UnitOfWork, timing: Timing
) -> None:
    """Applies a change of the recipient's services to their orders, unless stale or repeated."""
    async with uow:
        await recipients.lock(uow.session, event.recipient_id)
        if not await changes.log(uow.session, _log_row(event)):
            return  # this services version was received before
        held = await changes.held_version(uow.session, event.recipient_id)
        change = change_of(event)
        if held is None:
            log.info("services change v%d waits for the approval", event.services_version)
        elif is_news(held, change):
            await apply_services_change(change, uow=uow, timing=timing)
        await uow.commit()


async def catch_up_services(recipient_id: uuid.UUID, *, uow: UnitOfWork, timing: Timing) -> None:
    """Applies, in version order, the services changes that arrived before the approval."""
    async with uow:
        version = await changes.held_version(uow.session, recipient_id) or 1
        for payload in await changes.waiting(uow.session, recipient_id):
            change = change_of(RecipientServicesChanged.model_validate(payload))
            if is_news(version, change):
                await apply_services_change(change, uow=uow, timing=timing)
                version = change.services_version
        await uow.commit()


async def apply_services_change(change: ServicesChange, *, uow: UnitOfWork, timing: Timing) -> None:
    """Ends and opens exactly the orders of the items changed; the others stay as they are."""
    held = await recipients.get(uow.session, change.recipient_id)
    assert held is not None  # the caller saw its services version
    serving = held.status != RecipientStatus.SUSPENDED  # a suspended one's items wait
    rows = {o.order_id: o for o in await orders.of_recipient(uow.session, change.recipient_id)}
    endings, openings = react(change, [_held(o) for o in rows.values()])
    successors: dict[uuid.UUID, uuid.UUID] = {}
    for ending in endings:
        successor = uuid.uuid4() if ending.replaced and serving else None
        if successor is not None:
            successors[ending.order_id] = successor
        await _end(rows[ending.order_id], ending, change, successor, uow=uow, timing=timing)
    await changes.drop_pending(uow.session, change.recipient_id, change.removed)
    for opening in openings:
        order_id = successors.get(opening.replaces) if opening.replaces else None
        await _open(held, opening, change, order_id, uow=uow, timing=timing)
    await changes.applied(
        uow.session,
        change.recipient_id,
        change.services_version,
        ends_temporary_care=change.ends_temporary_care,
    )


async def _end(
    order: Order,
    ending: Ending,
    change: ServicesChange,
    successor: uuid.UUID | None,
    *,
    uow: UnitOfWork,
    timing: Timing,
) -> None:
    """Ends one order from the change's effective date and tells its provider."""
    values: dict[str, Any] = {"status": OrderStatus.CANCELLED.value, "paused_from": None}
    if order.status is OrderStatus.ACCEPTED:
        values["active_until"] = change.effective_date  # services before it still count
    notice = Notice(
        OrderAction.CANCEL,
        ending.reason,
        change.effective_date,
        note_zh=ending.reason.label_zh,
        cause_event_id=change.cause_event_id,
        replaced_by=successor,
    )
    await change_order(order.order_id, values, notice, uow=uow, timing=timing)


async def _open(
    held: Recipient,
    opening: Opening,
    change: ServicesChange,
    order_id: uuid.UUID | None,
    *,
    uow: UnitOfWork,
    timing: Timing,
) -> None:
    """Places the item now, keeps it for after a suspension, or (aid ended) drops it."""
    basis = basis_of(held, opening.item, change.effective_date, change.cause_event_id)
    if held.status == RecipientStatus.SUSPENDED:
        await changes.keep_pending(
            uow.session, _pending_row(basis, opening, change.services_version)
        )
    elif await in_service(uow, held.recipient_id):
        await place(
            basis,
            uow=uow,
            timing=timing,
            replaces=opening.replaces,
            order_id=order_id,
            prefer=opening.prefer,
        )


async def place_pending(recipient_id: uuid.UUID, *, uow: UnitOfWork, timing: Timing) -> None:
    """Places the items kept while the recipient was suspended, once they are served again.
    The caller holds the recipient's lock (a status change)."""
    if not await in_service(uow, recipient_id):
        return
    kept = await changes.pending_of(uow.session, recipient_id)
    held = await recipients.get(uow.session, recipient_id)
    if not kept or held is None:
        return
    for row in kept:
        item = ApprovedItem(
            item_code=row["item_code"],
            service_category=ServiceCategory(row["service_category"]),
            mode=ServiceMode(row["mode"]),
            frequency=Frequency(times=row["frequency_times"], per=row["frequency_per"]),
            funding_source=FundingSource(row["funding_source"]),
        )
        basis = basis_of(held, item, row["start_date"], row["source_event_id"])
        await place(
            basis,
            uow=uow,
            timing=timing,
            replaces=row["replaces_order_id"],
            prefer=row["provider_code"],
        )
    await changes.drop_pending(uow.session, recipient_id, [row["item_code"] for row in kept])


def basis_of(held: Recipient, item: ApprovedItem, start: date, cause: uuid.UUID | None) -> Basis:
    """The referral basis of one item of the recipient, from ``start`` (not in the past)."""
    return Basis(
        uuid.uuid4(),
        held.recipient_id,
        held.person_id,
        held.household_id,
        held.display_name,
        item.item_code,
        item.service_category,
        item.mode,
        item.frequency,
        item.funding_source,
        held.county_code,
        held.township_code,
        held.village_code,
        max(start, clock.today()),
        cause,
    )


def change_of(event: RecipientServicesChanged) -> ServicesChange:
    """The rule's view of review's event."""
    return ServicesChange(
        recipient_id=event.recipient_id,
        services_version=event.services_version,
        effective_date=event.effective_date,
        items=event.approved_items,
        added=frozenset(event.added_item_codes),
        removed=frozenset(event.removed_item_codes),
        changed=frozenset(event.changed_item_codes),
        providers={p.item_code: p.provider_code for p in event.item_providers},
        cause_event_id=event.event_id,
        ends_temporary_care=event.ends_temporary_care,
    )


def _held(order: Order) -> HeldOrder:
    return HeldOrder(
        order.order_id, order.item_code, OrderStatus(order.status), order.provider_code
    )


def _log_row(event: RecipientServicesChanged) -> dict[str, Any]:
    # The officer's free-text note stays out of the log: ids, codes and dates only.
    return {
        "recipient_id": event.recipient_id,
        "services_version": event.services_version,
        "change_id": event.change_id,
        "person_id": event.person_id,
        "effective_date": event.effective_date,
        "payload": event.model_dump(mode="json", exclude={"reason_zh"}),
        "cause_event_id": event.event_id,
    }


def _pending_row(basis: Basis, opening: Opening, version: int) -> dict[str, Any]:
    return {
        "recipient_id": basis.recipient_id,
        "item_code": basis.item_code,
        "service_category": basis.service_category.value,
        "mode": basis.mode.value,
        "frequency_times": basis.frequency.times,
        "frequency_per": basis.frequency.per.value,
        "funding_source": basis.funding_source.value,
        "start_date": basis.start_date,
        "provider_code": opening.prefer,
        "replaces_order_id": opening.replaces,
        "services_version": version,
        "source_event_id": basis.source_event_id,
    }
