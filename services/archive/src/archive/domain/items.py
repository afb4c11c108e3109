"""A file's approved items folded from the approval and the changes of services (issue 20).

Changes of one recipient's services come in ``services_version`` order on the status topic,
but the approval travels on another topic and may be applied after them; like the status,
``fold_items`` makes the result the same in any arrival order, so a rebuild equals the file.
A change takes effect on its day: until then the file shows the items before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from contracts.review import RecipientApproved, RecipientServicesChanged

#: An approved item as a file keeps it (ApprovedItem as JSON).
Item = Mapping[str, Any]


@dataclass(frozen=True)
class ItemsState:
    """What the approval and the changes of services decide about a file's items."""

    approved_items: Sequence[Item]
    services_version: int = 1
    services_effective_date: date | None = None
    #: The items before the last change, shown until that change takes effect.
    previous_items: Sequence[Item] | None = None
    #: Emergency care (救急难): the last day of the services unless confirmed.
    temporary_until: date | None = None

    def items_on(self, day: date) -> Sequence[Item]:
        """The items in force on ``day``."""
        pending = self.services_effective_date is not None and self.services_effective_date > day
        if pending and self.previous_items is not None:
            return self.previous_items
        return self.approved_items


@dataclass(frozen=True)
class ItemsChange:
    """The parts of a RecipientServicesChanged that change a file."""

    version: int
    effective_date: date
    approved_items: Sequence[Item]
    ends_temporary_care: bool = False

    @classmethod
    def of(cls, event: RecipientServicesChanged) -> ItemsChange:
        """Reads the change from the event."""
        items = [item.model_dump(mode="json") for item in event.approved_items]
        return cls(event.services_version, event.effective_date, items, event.ends_temporary_care)


def initial_items(event: RecipientApproved) -> ItemsState:
    """The items a file opens with (services version 1)."""
    return ItemsState(
        approved_items=[item.model_dump(mode="json") for item in event.approved_items],
        temporary_until=event.temporary_until,
    )


def apply_items_change(state: ItemsState, change: ItemsChange) -> ItemsState:
    """Applies one change of services; a stale or repeated one leaves the state as it was."""
    if change.version <= state.services_version:
        return state
    return replace(
        state,
        approved_items=list(change.approved_items),
        services_version=change.version,
        services_effective_date=change.effective_date,
        previous_items=list(state.approved_items),
        temporary_until=None if change.ends_temporary_care else state.temporary_until,
    )


def fold_items(state: ItemsState, changes: Iterable[ItemsChange]) -> ItemsState:
    """Applies changes in version order, whatever order they arrived in."""
    for change in sorted(changes, key=lambda c: c.version):
        state = apply_items_change(state, change)
    return state
