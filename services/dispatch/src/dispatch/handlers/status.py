"""A recipient's status change, applied to their orders at once (动态管理).

Review's RecipientStatusChanged is applied once (the inbox) and only if its version is newer
than the one held (``domain.status.is_news``). Everything it causes — the recipient row, each
order paused, resumed or ended, the providers told, a transfer's new orders — happens in the
consumer's one unit of work. A change that overtook the approval (it comes on another topic)
is kept and applied right after the approval placed the orders (``catch_up``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import RowMapping

from civic import clock
from civic.uow import UnitOfWork
from contracts.enums import RecipientCategory, RecipientStatus
from contracts.reasons import StatusChangeReason
from contracts.review import RecipientStatusChanged
from dispatch.domain.orders import Notice, OrderAction, OrderStatus
from dispatch.domain.status import Area, OrderView, StatusChange, Step, ended_on, is_news, react
from dispatch.handlers import Timing
from dispatch.handlers.changes import change_order
from dispatch.handlers.referral import Basis, place
from dispatch.repository import orders, recipients

log = logging.getLogger(__name__)


async def react_to_status(
    event: RecipientStatusChanged, *, uow: UnitOfWork, timing: Timing
) -> None:
    """Applies a recipient's status change to their orders, unless it is stale or repeated."""
    await recipients.lock(uow.session, event.recipient_id)
    held = await recipients.get(uow.session, event.recipient_id)
    change = change_of(event)
    if held is not None and not is_news(held["version"], change):
        return  # stale or repeated: changes nothing
    if not await recipients.log_change(uow.session, _logged(event)):
        return  # this version was received before
    if held is None:
        log.info("status change v%d waits for the recipient's approval", change.version)
        return
    await apply_change(change, uow=uow, timing=timing)
    await uow.commit()


async def catch_up(recipient_id: uuid.UUID, *, uow: UnitOfWork, timing: Timing) -> None:
    """Applies, in version order, the status changes that arrived before the approval."""
    held = await recipients.get(uow.session, recipient_id)
    version = held["version"] if held else 0
    for row in await recipients.waiting_changes(uow.session, recipient_id):
        change = change_of_row(row)
        if is_news(version, change):
            await apply_change(change, uow=uow, timing=timing)
            version = change.version


async def apply_change(change: StatusChange, *, uow: UnitOfWork, timing: Timing) -> None:
    """Records the new status and takes each step on the recipient's orders."""
    await recipients.change(uow.session, change.recipient_id, _recipient_columns(change))
    rows = {r["order_id"]: r for r in await orders.of_recipient(uow.session, change.recipient_id)}
    for step in react(change, [_view(r) for r in rows.values()]):
        await _take(step, rows[step.order_id], change, uow=uow, timing=timing)
    await recipients.mark_applied(uow.session, change.recipient_id, change.version)


async def _take(
    step: Step, order: RowMapping, change: StatusChange, *, uow: UnitOfWork, timing: Timing
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
    await change_order(order["order_id"], values, notice, uow=uow, timing=timing)
    if successor is not None and change.new_area is not None:
        moved = _moved(Basis.of(order), change, change.new_area)
        replaces = order["order_id"]
        await place(moved, uow=uow, timing=timing, replaces=replaces, order_id=successor)


def _order_columns(
    step: Step, order: RowMapping, change: StatusChange, timing: Timing
) -> dict[str, Any]:
    values: dict[str, Any] = {"status": step.becomes.value, "paused_from": None}
    if step.action is OrderAction.PAUSE:
        values["paused_from"] = order["status"]
    if step.action is OrderAction.RESUME:
        values["active_until"] = None
    elif order["status"] == OrderStatus.ACCEPTED.value:
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


def _view(order: RowMapping) -> OrderView:
    paused_from = order["paused_from"]
    return OrderView(
        order["order_id"],
        OrderStatus(order["status"]),
        OrderStatus(paused_from) if paused_from else None,
    )


def _recipient_columns(change: StatusChange) -> dict[str, Any]:
    values: dict[str, Any] = {
        "version": change.version,
        "status": change.status.value,
        "status_effective_date": change.effective_date,
        "status_reason_code": change.reason_code.value,
        "expected_end": change.expected_end,
    }
    if (ended := ended_on(change)) is not None:
        values["ended_on"] = ended
    if change.new_area is not None:
        values["county_code"] = change.new_area.county_code
        values["township_code"] = change.new_area.township_code
        values["village_code"] = change.new_area.village_code
    if change.new_category is not None:
        values["category"] = change.new_category.value
    return values


# --- the change as the rule sees it, from the event or from the log of changes ----------


def change_of(event: RecipientStatusChanged) -> StatusChange:
    """The rule's view of review's event."""
    return change_of_row(_logged(event))


def change_of_row(row: RowMapping | dict[str, Any]) -> StatusChange:
    """The rule's view of a logged status change."""
    area = None
    if row["new_village_code"]:
        area = Area(row["new_county_code"], row["new_township_code"], row["new_village_code"])
    category = row["new_category"]
    return StatusChange(
        recipient_id=row["recipient_id"],
        version=row["version"],
        status=RecipientStatus(row["status"]),
        effective_date=row["effective_date"],
        reason_code=StatusChangeReason(row["reason_code"]),
        cause_event_id=row["cause_event_id"],
        expected_end=row["expected_end"],
        new_area=area,
        new_category=RecipientCategory(category) if category else None,
    )


def _logged(event: RecipientStatusChanged) -> dict[str, Any]:
    return {
        "recipient_id": event.recipient_id,
        "version": event.version,
        "person_id": event.person_id,
        "status": event.status.value,
        "previous_status": event.previous_status.value,
        "effective_date": event.effective_date,
        "reason_code": event.reason_code.value,
        "expected_end": event.expected_end,
        "new_county_code": event.new_county_code,
        "new_township_code": event.new_township_code,
        "new_village_code": event.new_village_code,
        "new_category": event.new_category.value if event.new_category else None,
        "cause_event_id": event.event_id,
    }
