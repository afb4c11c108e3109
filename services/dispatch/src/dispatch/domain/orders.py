"""A service order's life: waiting in a queue, assigned, accepted, declined or cancelled."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from contracts.enums import ServiceMode
from contracts.reasons import OrderChangeReason


class OrderStatus(enum.StrEnum):
    """Where a service order stands."""

    QUEUED = "queued"  # no eligible provider: in the township's queue
    ASSIGNED = "assigned"  # told to a provider, waiting for its answer
    ACCEPTED = "accepted"  # the provider serves it
    DECLINED = "declined"  # the provider refused; a new order took over
    CANCELLED = "cancelled"  # re-assigned by an officer, or ended
    PAUSED = "paused"  # recipient suspended (dynamic management)


#: Orders that use a provider's capacity.
OPEN_STATUSES: frozenset[OrderStatus] = frozenset(
    {OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.PAUSED}
)

#: Orders an officer may hand to another provider.
REASSIGNABLE: frozenset[OrderStatus] = frozenset(
    {OrderStatus.QUEUED, OrderStatus.ASSIGNED, OrderStatus.ACCEPTED}
)


class OrderAction(enum.StrEnum):
    """A change of an order its provider must acknowledge."""

    PAUSE = "paused"
    RESUME = "resumed"
    CANCEL = "cancelled"


@dataclass(frozen=True)
class Order:
    """A service order as stored: one approved item of one recipient, at one provider or
    waiting in the township's queue (codes and reasons kept as their stored strings)."""

    order_id: uuid.UUID
    referral_id: uuid.UUID
    version: int
    status: OrderStatus
    recipient_id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    display_name: str
    provider_id: uuid.UUID | None
    provider_code: str | None
    item_code: str
    service_category: str
    mode: str
    frequency_times: int
    frequency_per: str
    funding_source: str
    unit: str | None
    catalogue_version: int | None
    county_code: str
    township_code: str
    village_code: str
    start_date: date
    end_date: date | None
    respond_by: datetime | None
    escalated_at: datetime | None
    escalation_kind: str | None
    unplaced_reason: str | None
    replaces_order_id: uuid.UUID | None
    decline_reason_code: str | None
    decline_reason_zh: str | None
    admission_date: date | None
    paired_member_ref: str | None
    assigned_by: str | None
    assignment_note_zh: str | None
    source_event_id: uuid.UUID | None
    updated_at: datetime
    paused_from: str | None
    change_reason_code: str | None
    change_effective_date: date | None
    active_until: date | None
    created_at: datetime
    unplaced_reason_zh: str | None = None  # why, when unplaced_reason is too coarse


@dataclass(frozen=True)
class OrderChange:
    """A pause, resumption or end told to the order's provider, who must acknowledge it."""

    change_id: uuid.UUID  # the event id of the notice on the provider's topic
    order_id: uuid.UUID
    order_version: int
    provider_code: str
    kind: str
    reason_code: str
    effective_date: date
    cause_event_id: uuid.UUID | None
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    acknowledged_via: str | None
    acknowledged_by: str | None
    escalated_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class PendingChange:
    """A change its provider has not acknowledged yet, with whom and what its order serves."""

    change: OrderChange
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    display_name: str  # masked, as the order stores it
    village_code: str
    item_code: str

    def overdue(self, now: datetime) -> bool:
        """Past its deadline (the watcher escalates it to the township from then on)."""
        return self.change.acknowledge_by <= now


@dataclass(frozen=True)
class Notice:
    """What the bus and the order's provider are told about one change of the order."""

    action: OrderAction
    reason: OrderChangeReason
    effective_date: date
    note_zh: str | None = None
    expected_end: date | None = None
    cause_event_id: uuid.UUID | None = None
    replaced_by: uuid.UUID | None = None


@dataclass(frozen=True)
class Acceptance:
    """What a provider says when it accepts."""

    admission_date: date | None = None
    paired_member_ref: str | None = None


def acceptance_problem(mode: ServiceMode, acceptance: Acceptance) -> tuple[str, str] | None:
    """(code, Chinese message) when an acceptance lacks what its mode needs, else None."""
    if mode is ServiceMode.INSTITUTIONAL_CARE and acceptance.admission_date is None:
        return "admission_date_required", "机构照料须填写入住日期"
    if mode is ServiceMode.PARTY_BUILDING and not acceptance.paired_member_ref:
        return "paired_member_required", "“党建+救助”须填写结对党员"
    return None
