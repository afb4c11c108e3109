"""What was true on a given day: a recipient's aid status and an order's state.

Events can arrive out of order (two topics, redeliveries), so both are kept as a set of
versioned steps; the state on a day is the newest version already in effect that day.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from contracts.enums import RecipientStatus
from settlement.domain.reasons import NotBillableReason

#: Statuses under which services are paid (a transfer or a new category keeps the aid going).
PAYABLE_STATUSES: frozenset[RecipientStatus] = frozenset(
    {
        RecipientStatus.ACTIVE,
        RecipientStatus.RESUMED,
        RecipientStatus.CATEGORY_CHANGED,
        RecipientStatus.TRANSFERRED,
    }
)
_STATUS_REASON = {
    RecipientStatus.SUSPENDED: NotBillableReason.RECIPIENT_SUSPENDED,
    RecipientStatus.STOPPED: NotBillableReason.RECIPIENT_STOPPED,
    RecipientStatus.DECEASED: NotBillableReason.RECIPIENT_DECEASED,
}


class _Step(Protocol):
    @property
    def version(self) -> int: ...

    @property
    def effective_date(self) -> date: ...


_S = TypeVar("_S", bound=_Step)


@dataclass(frozen=True)
class StatusStep:
    """One status version of a recipient, in effect from ``effective_date``."""

    version: int
    effective_date: date
    status: RecipientStatus
    new_category: str | None = None  # a category change names the category from its day


def _newest_in_effect(steps: tuple[_S, ...], day: date) -> _S | None:
    started = [s for s in steps if s.effective_date <= day]
    return max(started, key=lambda s: s.version, default=None)


@dataclass(frozen=True)
class ItemsStep:
    """One version of a recipient's approved items (approval is 1), in effect from
    ``effective_date``: each item's code and the fund that pays for it."""

    version: int
    effective_date: date
    funds: Mapping[str, str]


@dataclass(frozen=True)
class RecipientTimeline:
    """A recipient's approval (version 1) and later status changes, and the versions of
    their approved items."""

    steps: tuple[StatusStep, ...]
    items: tuple[ItemsStep, ...] = field(default=())
    #: The category approved (None for a recipient kept before categories were kept).
    category: str | None = None
    special_conditions: frozenset[str] = frozenset()

    def category_on(self, day: date) -> str | None:
        """The recipient's category on ``day``: the newest change in effect, else approval's."""
        changes = [s for s in self.steps if s.new_category is not None and s.effective_date <= day]
        newest = max(changes, key=lambda s: s.version, default=None)
        return self.category if newest is None else newest.new_category

    def blocked_on(self, day: date) -> NotBillableReason | None:
        """Why services on ``day`` are not payable for this recipient, or None."""
        step = _newest_in_effect(self.steps, day)
        if step is None:
            return NotBillableReason.RECIPIENT_NOT_YET_ACTIVE
        if step.status in PAYABLE_STATUSES:
            return None
        return _STATUS_REASON.get(step.status, NotBillableReason.RECIPIENT_STOPPED)

    def _changed_items_on(self, day: date) -> ItemsStep | None:
        # Before any change the orders decide alone (as they did before items were kept):
        # approval's items are kept, but only a change's set is billed by.
        step = _newest_in_effect(self.items, day)
        return step if step is not None and step.version >= 2 else None

    def item_blocked_on(self, item_code: str, day: date) -> NotBillableReason | None:
        """Why a service of ``item_code`` on ``day`` is not payable: a change removed it."""
        step = self._changed_items_on(day)
        if step is None or item_code in step.funds:
            return None
        return NotBillableReason.ITEM_WITHDRAWN

    def fund_on(self, item_code: str, day: date) -> str | None:
        """The fund that pays ``item_code`` on ``day`` by the latest change in effect, if any."""
        step = self._changed_items_on(day)
        return None if step is None else step.funds.get(item_code)


@dataclass(frozen=True)
class OrderStep:
    """A pause, resume or cancellation of an order, in effect from ``effective_date``."""

    version: int
    effective_date: date
    state: str  # "paused", "resumed" or "cancelled"


@dataclass(frozen=True)
class OrderTimeline:
    """An order's provider, dates and later changes."""

    provider_id: uuid.UUID
    start_date: date
    end_date: date | None
    steps: tuple[OrderStep, ...] = ()
    admission_date: date | None = None  # institutional care: per-day items count from it

    def blocked_on(self, day: date) -> NotBillableReason | None:
        """Why services on ``day`` are not payable under this order, or None."""
        first = max(self.start_date, self.admission_date or self.start_date)
        if day < first or (self.end_date is not None and day > self.end_date):
            return NotBillableReason.ORDER_NOT_ACTIVE
        step = _newest_in_effect(self.steps, day)
        if step is None or step.state == "resumed":
            return None
        if step.state == "paused":
            return NotBillableReason.ORDER_PAUSED
        return NotBillableReason.ORDER_CANCELLED
