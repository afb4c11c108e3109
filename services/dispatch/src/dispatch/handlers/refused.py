"""A provider's reply on its topic that the use cases refuse never vanishes (issue 14).

Over HTTP a refusal is the provider's answer (a 4xx it reads). On its reply topic nobody
answers, so the reply is kept where a person acts on it, in the same transaction that
records it as consumed:

* a decline of an order the provider has already accepted (it wants to stop serving a
  person): the order goes on the township's queue (``GET /townships/{code}/queue``,
  ServiceOrderEscalated), with the provider's reason on the order, because only the
  township can find the person another provider (``POST /orders/{id}/reassign``); the
  provider's repeated acceptance takes it off again;
* every other refusal (an order not the provider's or unknown, closed or paused, a stale
  version, a plan or record that does not fit): parked in ``parked_message`` with the code
  and the Chinese reason, for operations (``civic-parked list``, ``civic_parked_messages``),
  who re-apply it once the cause is fixed (``civic-parked reapply``) or close it with a note.
  A township officer could do nothing with those: the provider's own software is at fault,
  or the order has moved on and the provider was told on its topic.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import orjson

from civic import clock
from civic.errors import ProblemError
from civic.parking import Consumed, current, park
from civic.uow import UnitOfWork
from contracts.reasons import DeclineReason, EscalationKind
from dispatch.adapters import order_events
from dispatch.domain.orders import Order
from dispatch.repository import orders

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Escalates the refusal to the township instead of parking it; True when it did.
Escalation = Callable[[ProblemError, Consumed], Awaitable[bool]]


async def kept_if_refused(
    uow: UnitOfWork, run: Callable[[], Awaitable[T]], *, escalate: Escalation | None = None
) -> T:
    """Runs a reply use case; on a refusal of a reply consumed from Kafka, undoes its writes,
    escalates or parks the reply, and raises the refusal on (the consumer commits the rest)."""
    consumed = current()
    if consumed is None:  # HTTP: the refusal is the caller's answer
        return await run()
    savepoint = await uow.session.begin_nested()
    try:
        return await run()
    except ProblemError as refused:
        if savepoint.is_active:
            await savepoint.rollback()
        if escalate is None or not await escalate(refused, consumed):
            reason = f"provider_reply_refused: {refused.code}: {refused.message}"
            await park(
                uow, consumed.delivery, consumed.consumer, reason, _field(consumed, "event_type")
            )
        log.warning("kept a refused provider reply (%s) for a person to act on", refused.code)
        raise


def leaving_accepted_order(
    uow: UnitOfWork, order_id: uuid.UUID, reason: DeclineReason, note_zh: str | None
) -> Escalation:
    """Puts an accepted order its provider declines on the township's queue, with why."""

    async def escalate(refused: ProblemError, consumed: Consumed) -> bool:
        if refused.code != "order_already_accepted":
            return False
        kind = EscalationKind.OTHER
        values = {"escalated_at": clock.now(), "escalation_kind": kind.value}
        why = {"decline_reason_code": reason.value, "decline_reason_zh": note_zh}
        order = await orders.change(uow.session, order_id, values | why)
        event = order_events.escalated(order, kind)
        uow.emit(event.model_copy(update={"source_event_id": consumed_event_id(consumed)}))
        return True

    return escalate


async def withdraw_leaving(uow: UnitOfWork, order: Order) -> Order:
    """A repeated acceptance of an order its provider had declined: off the queue again."""
    if order.escalated_at is None or order.decline_reason_code is None:
        return order
    cleared = dict.fromkeys(
        ("escalated_at", "escalation_kind", "decline_reason_code", "decline_reason_zh")
    )
    changed = await orders.change(uow.session, order.order_id, cleared)
    await uow.commit()
    return changed


def consumed_event_id(consumed: Consumed) -> uuid.UUID | None:
    """The event id of the consumed reply, if it carries one."""
    found = _field(consumed, "event_id")
    try:
        return uuid.UUID(found) if found else None
    except ValueError:
        return None


def _field(consumed: Consumed, name: str) -> str | None:
    try:
        data = orjson.loads(consumed.delivery.value)
    except orjson.JSONDecodeError:
        return None
    found = data.get(name) if isinstance(data, dict) else None
    return found if isinstance(found, str) else None
