"""A recipient's status change, applied to their orders at once (动态管理).

Review's RecipientStatusChanged is applied once (the log of changes) and only if its version
is newer than the one held (``domain.status.is_news``). Everything it causes — the recipient's
new status, each order paused, resumed or ended, the providers told, a transfer's new orders —
happens in one unit of work: the consumer's, which the handler joins. A change that overtook
the approval (it comes on another topic) is kept and applied right after the approval placed
the orders (``catch_up``).

The reading path: ``consumers.on_status_changed`` → ``react_to_status`` (here) → the rule
``domain.status.react`` → ``handlers.changes.change_order`` per order; reads and writes go
through ``repository.status.StatusStore``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

from civic import clock
from civic.uow import UnitOfWork
from contracts.enums import RecipientStatus
from contracts.review import RecipientStatusChanged
from dispatch.domain.orders import Notice, OrderAction, OrderStatus
from dispatch.domain.status import Area, OrderView, StatusChange, Step, is_news, react
from dispatch.handlers import Timing
from dispatch.handlers.changes import change_order
from dispatch.handlers.referral import Basis, place
from dispatch.handlers.service_changes import place_pending
from dispatch.repository.status import SqlStatusStore, StatusStore

log = logging.getLogger(__name__)


async def react_to_status(
    event: RecipientStatusChanged,
    *,
    uow: UnitOfWork,
    timing: Timing,
    store: StatusStore | None = None,
) -> None:
    """Applies a recipient's status change to their orders, unless it is stale or repeated."""
    change = change_of(event)
    async with uow:
        store = store or SqlStatusStore(uow)
        await store.lock(change.recipient_id)
        held = await store.held_version(change.recipient_id)
        if held is not None and not is_news(held, change):
            return  # stale or repeated: changes nothing
        previous = event.previous_status
        if not await store.log(change, person_id=event.person_id, previous=previous):
            return  # this version was received before
        if held is None:
            log.info("status change v%d waits for the recipient's approval", change.version)
            await uow.commit()  # kept, to be applied by ``catch_up``
            return
        await apply_change(change, uow=uow, timing=timing, store=store)
        await uow.commit()


async def catch_up(
    recipient_id: uuid.UUID, *, uow: UnitOfWork, timing: Timing, store: StatusStore | None = None
) -> None:
    """Applies, in version order, the status changes that arrived before the approval."""
    async with uow:
        store = store or SqlStatusStore(uow)
        version = await store.held_version(recipient_id) or 0
        for change in await store.waiting(recipient_id):
            if is_news(version, change):
                await apply_change(change, uow=uow, timing=timing, store=store)
                version = change.version
        await uow.commit()


async def apply_change(
    change: StatusChange, *, uow: UnitOfWork, timing: Timing, store: StatusStore
) -> None:
    """Records the new status and takes each step on the recipient's orders."""
    await store.record(change)
    orders = {order.order_id: order for order in await store.orders_of(change.recipient_id)}
    for step in react(change, list(orders.values())):
        await _take(step, orders[step.order_id], change, uow=uow, timing=timing, store=store)
    await store.mark_applied(change.recipient_id, change.version)
    if change.status is RecipientStatus.RESUMED and await store.has_pending(change.recipient_id):
        # Items added while the recipient was suspended get their orders now (issue 20).
        await place_pending(change.recipient_id, uow=uow, timing=timing)


async def _take(
    step: Step,
    order: OrderView,
    change: StatusChange,
    *,
    uow: UnitOfWork,
    timing: Timing,
    store: StatusStore,
) -> None:
    """Pauses, resumes or ends one order; a transfer refers its item again in the new area."""
    successor = uuid.uuid4() if step.re_refer else None
    notice = Notice(
        step.action,
        step.reason,
        change.effective_date,
        note_zh=change.reason_code.label_zh,
        expected_end=change.expected_end if step.action is OrderAction.PAUSE else None,
        cause_event_id=change.cause_event_id,
        replaced_by=successor,
    )
    values = _order_columns(step, order, change, timing)
    changed = await change_order(
        order.order_id, values, notice, uow=uow, timing=timing, store=store
    )
    if successor is not None and change.new_area is not None:
        # The same approved item, placed again in the recipient's new area.
        moved = _moved(Basis.of(changed), change, change.new_area)
        await place(moved, uow=uow, timing=timing, replaces=order.order_id, order_id=successor)


def _order_columns(
    step: Step, order: OrderView, change: StatusChange, timing: Timing
) -> dict[str, Any]:
    """The order's columns after the step (a pause remembers what it paused)."""
    values: dict[str, Any] = {"status": step.becomes.value, "paused_from": None}
    if step.action is OrderAction.PAUSE:
        values["paused_from"] = order.status.value
    if step.action is OrderAction.RESUME:
        values["active_until"] = None
    elif order.status is OrderStatus.ACCEPTED:
        values["active_until"] = change.effective_date
    if step.action is OrderAction.RESUME and step.becomes is OrderStatus.ASSIGNED:
        values["respond_by"] = clock.now() + timing.order_response  # a fresh time to answer
    return values


def _moved(basis: Basis, change: StatusChange, area: Area) -> Basis:
    """The same approved item, to be placed in the recipient's new area."""
    return replace(
        basis,
        county_code=area.county_code,
        township_code=area.township_code,
        village_code=area.village_code,
        start_date=max(change.effective_date, clock.today()),
        source_event_id=change.cause_event_id,
    )


def change_of(event: RecipientStatusChanged) -> StatusChange:
    """The rule's view of review's event."""
    area = None
    if event.new_village_code:
        area = Area(
            event.new_county_code or "", event.new_township_code or "", event.new_village_code
        )
    return StatusChange(
        recipient_id=event.recipient_id,
        version=event.version,
        status=event.status,
        effective_date=event.effective_date,
        reason_code=event.reason_code,
        cause_event_id=event.event_id,
        expected_end=event.expected_end,
        new_area=area,
        new_category=event.new_category,
    )
