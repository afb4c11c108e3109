"""A file's state folded from the approval and the recipient's status changes.

Status changes of one recipient arrive in version order on one partition, but the approval
travels on another topic and may be processed after them; ``fold`` makes the result the
same in any arrival order, so a rebuild from the event log equals the live file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from archive.domain.items import ItemsState
from contracts.enums import RecipientStatus
from contracts.review import RecipientApproved, RecipientStatusChanged

#: Statuses under which a person is currently served and shown on the village board.
SERVED_STATUSES = frozenset(
    {
        RecipientStatus.ACTIVE,
        RecipientStatus.RESUMED,
        RecipientStatus.CATEGORY_CHANGED,
        RecipientStatus.TRANSFERRED,
    }
)

_FILE_NAMESPACE = uuid.UUID("6f0c2b52-1c53-4b8e-9d8e-0a6b7f1e2c41")


def file_id_for(person_id: uuid.UUID) -> uuid.UUID:
    """The file id of a person: stable, so a rebuilt file keeps the id the live one had."""
    return uuid.uuid5(_FILE_NAMESPACE, str(person_id))


def is_served(status: str) -> bool:
    """Tells whether a person with this status is currently served."""
    return RecipientStatus(status) in SERVED_STATUSES


@dataclass(frozen=True)
class Residence:
    """Where a person lives: county, township and village codes."""

    county_code: str
    township_code: str
    village_code: str


@dataclass(frozen=True)
class StatusChange:
    """The parts of a RecipientStatusChanged that change a file."""

    version: int
    status: str
    effective_date: date
    new_category: str | None = None
    new_residence: Residence | None = None

    @classmethod
    def of(cls, event: RecipientStatusChanged) -> StatusChange:
        """Reads the change from the event."""
        moved = None
        if event.new_village_code and event.new_township_code and event.new_county_code:
            moved = Residence(
                event.new_county_code, event.new_township_code, event.new_village_code
            )
        category = event.new_category.value if event.new_category else None
        return cls(event.version, event.status.value, event.effective_date, category, moved)


@dataclass(frozen=True)
class FileState:
    """What the status history decides about a file."""

    status: str
    status_version: int
    status_effective_date: date
    served_since: date
    category: str
    county_code: str
    township_code: str
    village_code: str
    previous_village_code: str | None = None
    moved_on: date | None = None
    previous_status: str | None = None

    @property
    def residence(self) -> Residence:
        """Where the person lives now."""
        return Residence(self.county_code, self.township_code, self.village_code)

    @property
    def served(self) -> bool:
        """True while the person is currently served."""
        return is_served(self.status)


def initial_state(event: RecipientApproved) -> FileState:
    """The state a file opens with."""
    return FileState(
        status=RecipientStatus.ACTIVE.value,
        status_version=event.version,
        status_effective_date=event.effective_date,
        served_since=event.effective_date,
        category=event.category.value,
        county_code=event.county_code,
        township_code=event.township_code,
        village_code=event.village_code,
    )


def apply_change(state: FileState, change: StatusChange) -> FileState:
    """Applies one status change; a stale or repeated one leaves the state as it was."""
    if change.version <= state.status_version:
        return state
    moved = change.new_residence is not None and change.new_residence != state.residence
    now_served = is_served(change.status)
    starts = now_served and (not state.served or moved)
    home = change.new_residence if moved and change.new_residence else state.residence
    return replace(
        state,
        status=change.status,
        previous_status=state.status,
        status_version=change.version,
        status_effective_date=change.effective_date,
        served_since=change.effective_date if starts else state.served_since,
        category=change.new_category or state.category,
        **asdict(home),
        previous_village_code=state.village_code if moved else state.previous_village_code,
        moved_on=change.effective_date if moved else state.moved_on,
    )


def fold(state: FileState, changes: Iterable[StatusChange]) -> FileState:
    """Applies changes in version order, whatever order they arrived in."""
    return fold_counting(state, changes)[0]


def fold_counting(state: FileState, changes: Iterable[StatusChange]) -> tuple[FileState, list[int]]:
    """Like ``fold``, and the versions that changed the file (each one is recorded)."""
    took_effect = []
    for change in sorted(changes, key=lambda c: c.version):
        after = apply_change(state, change)
        if after != state:
            took_effect.append(change.version)
        state = after
    return state, took_effect


def villages_touched(before: FileState | None, after: FileState) -> tuple[str, ...]:
    """The villages whose boards a transition may change, in lock order."""
    codes = {after.residence.village_code}
    if before is not None:
        codes.add(before.residence.village_code)
    return tuple(sorted(codes))


@dataclass(frozen=True, kw_only=True)
class ArchiveFile(FileState):
    """One person's file (一人一档): who they are, what was approved, and (the fields it
    inherits) its folded state."""

    file_id: uuid.UUID
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    application_id: uuid.UUID
    household_id: uuid.UUID
    service_number: str
    issue_county_code: str
    issue_year: int
    sequence: int
    display_name: str
    special_conditions: Sequence[str]
    self_care_level: str | None
    need_categories: Sequence[str]
    #: The approved items as approved (item_code, service_category, mode, frequency...).
    approved_items: Sequence[Mapping[str, Any]]
    approved_on: date
    opened_at: datetime
    #: How the person became a recipient (ApprovalRoute: review, emergency, import).
    route: str = "review"
    #: The last day of emergency care unless confirmed (None once confirmed, or never).
    temporary_until: date | None = None
    #: The version of the approved items (approval is 1; each change of services one more).
    services_version: int = 1
    services_effective_date: date | None = None
    previous_items: Sequence[Mapping[str, Any]] | None = None

    @property
    def item_codes(self) -> list[str]:
        """The codes of the approved items (the latest change's), in their order."""
        return [item["item_code"] for item in self.approved_items]

    @property
    def items(self) -> ItemsState:
        """The folded state of the approved items."""
        return ItemsState(
            self.approved_items,
            self.services_version,
            self.services_effective_date,
            self.previous_items,
            self.temporary_until,
        )

    def item_codes_on(self, day: date) -> list[str]:
        """The codes of the items in force on ``day`` (a change dated later is not yet)."""
        return [item["item_code"] for item in self.items.items_on(day)]

    @property
    def state(self) -> FileState:
        """The folded state the file holds (without who the person is)."""
        return FileState(**{f.name: getattr(self, f.name) for f in fields(FileState)})
