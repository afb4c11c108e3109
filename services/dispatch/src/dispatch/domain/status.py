"""What a recipient's status change does to their orders (动态管理): one pure rule, ``react``.

Review owns the status; dispatch follows it. Stopped or deceased ends every open order;
suspended pauses them (review's ``resumed`` ends the pause — the expected end is only told
to the provider); resumed lets paused orders run again; transferred ends them and refers
each item again in the new area; a category change is recorded and the orders stay.
A change whose version is not newer than the one held changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from contracts.enums import RecipientCategory, RecipientStatus
from contracts.reasons import OrderChangeReason, StatusChangeReason
from dispatch.domain.orders import OrderAction, OrderStatus


@dataclass(frozen=True)
class Area:
    """Where a transferred recipient lives now."""

    county_code: str
    township_code: str
    village_code: str


@dataclass(frozen=True)
class StatusChange:
    """One status change of a recipient, as review decided it."""

    recipient_id: uuid.UUID
    version: int
    status: RecipientStatus
    effective_date: date
    reason_code: StatusChangeReason
    cause_event_id: uuid.UUID
    expected_end: date | None = None
    new_area: Area | None = None
    new_category: RecipientCategory | None = None


@dataclass(frozen=True)
class OrderView:
    """An order as the rule sees it."""

    order_id: uuid.UUID
    status: OrderStatus
    paused_from: OrderStatus | None = None


@dataclass(frozen=True)
class Step:
    """What happens to one order: the action, why, the status it ends in, and re-referral."""

    order_id: uuid.UUID
    action: OrderAction
    reason: OrderChangeReason
    becomes: OrderStatus
    re_refer: bool = False


@dataclass(frozen=True)
class _Response:
    action: OrderAction
    reason: OrderChangeReason
    re_refer: bool = False


_RESPONSES: dict[RecipientStatus, _Response] = {
    RecipientStatus.STOPPED: _Response(OrderAction.CANCEL, OrderChangeReason.RECIPIENT_STOPPED),
    RecipientStatus.DECEASED: _Response(OrderAction.CANCEL, OrderChangeReason.RECIPIENT_DECEASED),
    RecipientStatus.SUSPENDED: _Response(OrderAction.PAUSE, OrderChangeReason.RECIPIENT_SUSPENDED),
    RecipientStatus.RESUMED: _Response(OrderAction.RESUME, OrderChangeReason.RECIPIENT_RESUMED),
    RecipientStatus.TRANSFERRED: _Response(
        OrderAction.CANCEL, OrderChangeReason.RECIPIENT_TRANSFERRED, re_refer=True
    ),
}

#: The orders each action touches (queued ones too: they wait for a provider).
AFFECTED: dict[OrderAction, frozenset[OrderStatus]] = {
    OrderAction.CANCEL: frozenset(
        {OrderStatus.QUEUED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.PAUSED}
    ),
    OrderAction.PAUSE: frozenset({OrderStatus.QUEUED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED}),
    OrderAction.RESUME: frozenset({OrderStatus.PAUSED}),
}

#: Statuses after which no service counts, from the effective date on.
ENDING: frozenset[RecipientStatus] = frozenset({RecipientStatus.STOPPED, RecipientStatus.DECEASED})


def is_news(held_version: int, change: StatusChange) -> bool:
    """True if ``change`` is newer than the status version held (else: stale or repeated)."""
    return change.version > held_version


def react(change: StatusChange, orders: Sequence[OrderView]) -> list[Step]:
    """The steps ``change`` takes on the recipient's orders, in the order given."""
    response = _RESPONSES.get(change.status)
    if response is None:
        return []  # a category change (or a plain 'active'): the orders stay as they are
    action, reason = response.action, response.reason
    return [
        Step(o.order_id, action, reason, _after(action, o), response.re_refer)
        for o in orders
        if o.status in AFFECTED[action]
    ]


def _after(action: OrderAction, order: OrderView) -> OrderStatus:
    if action is OrderAction.PAUSE:
        return OrderStatus.PAUSED
    if action is OrderAction.RESUME:
        return order.paused_from or OrderStatus.ACCEPTED
    return OrderStatus.CANCELLED


def ended_on(change: StatusChange) -> date | None:
    """The day from which no service counts (stopped, deceased), else None."""
    return change.effective_date if change.status in ENDING else None
