"""What a change of a recipient's approved services does to their orders: one pure rule.

Review approves a change (增减服务事项) from a day on and sends the whole new set with what
was added, removed or changed. Only the orders of those items move: a removed item's open
orders end (``item_withdrawn``); an added item gets a new order; a changed item's open order
ends and a new one, with the new terms, replaces it — at the provider the township chose, or
else at the provider that served it (the least disruptive), or else wherever referral finds
one. A change whose services version is not newer than the one held changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from contracts.reasons import OrderChangeReason
from contracts.values import ApprovedItem
from dispatch.domain.orders import OrderStatus

#: Orders a change of services ends (queued ones too: they wait for a provider).
LIVE: frozenset[OrderStatus] = frozenset(
    {OrderStatus.QUEUED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.PAUSED}
)


@dataclass(frozen=True)
class ServicesChange:
    """One approved change of a recipient's services, as review decided it."""

    recipient_id: uuid.UUID
    services_version: int
    effective_date: date
    items: tuple[ApprovedItem, ...]
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    providers: Mapping[str, str] = field(default_factory=dict)  # item → chosen provider
    cause_event_id: uuid.UUID | None = None
    ends_temporary_care: bool = False

    def item(self, code: str) -> ApprovedItem:
        """The approved item ``code`` with its new terms."""
        return next(i for i in self.items if i.item_code == code)


@dataclass(frozen=True)
class HeldOrder:
    """An order of the recipient as the rule sees it."""

    order_id: uuid.UUID
    item_code: str
    status: OrderStatus
    provider_code: str | None = None


@dataclass(frozen=True)
class Ending:
    """An order the change ends; ``replaced``: a new order with the new terms follows it."""

    order_id: uuid.UUID
    reason: OrderChangeReason
    replaced: bool = False


@dataclass(frozen=True)
class Opening:
    """A new order: the item, the provider to try first, and the order it replaces."""

    item: ApprovedItem
    prefer: str | None = None
    replaces: uuid.UUID | None = None


def is_news(held_version: int, change: ServicesChange) -> bool:
    """True if ``change`` is newer than the services version held (else stale or repeated)."""
    return change.services_version > held_version


def react(
    change: ServicesChange, orders: Sequence[HeldOrder]
) -> tuple[list[Ending], list[Opening]]:
    """The orders ``change`` ends and the orders it opens (ends first: they free capacity)."""
    live: dict[str, list[HeldOrder]] = {}
    for order in orders:
        if order.status in LIVE:
            live.setdefault(order.item_code, []).append(order)
    endings = [
        Ending(o.order_id, OrderChangeReason.ITEM_WITHDRAWN)
        for code in sorted(change.removed)
        for o in live.get(code, [])
    ]
    openings: list[Opening] = []
    for code in sorted(change.changed):
        ended = live.get(code, [])
        first = ended[0] if ended else None
        endings += [
            Ending(o.order_id, OrderChangeReason.OFFICER_REQUEST, o is first) for o in ended
        ]
        prefer = change.providers.get(code) or (first.provider_code if first else None)
        openings.append(Opening(change.item(code), prefer, first.order_id if first else None))
    for code in sorted(change.added - change.changed):
        if code not in live:  # already ordered: nothing to add
            openings.append(Opening(change.item(code), change.providers.get(code)))
    return endings, openings
