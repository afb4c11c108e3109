"""Stops and their propagation, service coverage and caseload, as the dashboards show them.

Archive does not see a provider's acknowledgement (it travels on the provider's reply topic,
which only dispatch reads). It sees what dispatch announces on ``dispatch.orders.v1``: each
order a stop ended (ServiceOrderCancelled naming the status change as its cause) and, when the
provider let the deadline pass, ServiceOrderEscalated ``change_not_acknowledged``. An order
with no such escalation once the deadline and the watcher's round have passed was
acknowledged in time; before that it is pending.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from contracts.dispatch import ServiceOrderCancelled, ServiceOrderEscalated
from contracts.envelope import Event
from contracts.reasons import EscalationKind
from contracts.review import RecipientStatusChanged

#: Statuses that end a recipient's aid and every open order.
STOP_STATUSES = frozenset({"stopped", "deceased"})
#: dispatch's default CHANGE_ACK_S (one hour) and a margin for its watcher's round: before
#: then, an order end with no escalation is still pending, not acknowledged.
ACK_WINDOW = timedelta(hours=1)
WATCHER_MARGIN = timedelta(minutes=10)
ACK_ZH = {"in_time": "按时确认", "late": "逾期未确认（已升级）", "pending": "等待确认"}


@dataclass(frozen=True)
class Stop:
    """A status change that ended a recipient's aid."""

    stop_event_id: uuid.UUID
    person_id: uuid.UUID
    status: str
    effective_date: date
    stopped_at: datetime


@dataclass(frozen=True)
class OrderEnd:
    """An order dispatch ended because of ``cause_event_id`` (a status change)."""

    order_id: uuid.UUID
    person_id: uuid.UUID
    cause_event_id: uuid.UUID
    cancelled_at: datetime


@dataclass(frozen=True)
class Unacknowledged:
    """dispatch escalated an order whose provider did not acknowledge a change by ``by``."""

    order_id: uuid.UUID
    person_id: uuid.UUID
    provider_code: str | None
    by: datetime
    escalated_at: datetime


def stop_fact_of(event: Event) -> Stop | OrderEnd | Unacknowledged | None:
    """What the event says about stops and their propagation (None: nothing)."""
    if isinstance(event, RecipientStatusChanged) and event.status.value in STOP_STATUSES:
        return Stop(
            event.event_id, event.person_id, event.status.value, event.effective_date,
            event.occurred_at,
        )  # fmt: skip
    if isinstance(event, ServiceOrderCancelled) and event.cause_event_id is not None:
        return OrderEnd(event.order_id, event.person_id, event.cause_event_id, event.occurred_at)
    if (
        isinstance(event, ServiceOrderEscalated)
        and event.kind is EscalationKind.CHANGE_NOT_ACKNOWLEDGED
        and event.respond_by is not None
    ):
        return Unacknowledged(
            event.order_id, event.person_id, event.provider_code, event.respond_by,
            event.occurred_at,
        )  # fmt: skip
    return None


#: Event types whose facts the stops' tables keep.
STOP_EVENTS = frozenset(
    {
        "review.RecipientStatusChanged",
        "dispatch.ServiceOrderCancelled",
        "dispatch.ServiceOrderEscalated",
    }
)


@dataclass(frozen=True)
class EndedOrder:
    """An order a stop ended, with what archive knows of its acknowledgement."""

    order_id: uuid.UUID
    provider_code: str | None
    cancelled_at: datetime
    unacknowledged_by: datetime | None

    def acknowledgement(self, now: datetime) -> str:
        """in_time, late (escalated by dispatch) or pending (the deadline has not passed)."""
        if self.unacknowledged_by is not None and self.unacknowledged_by >= self.cancelled_at:
            return "late"
        if now < self.cancelled_at + ACK_WINDOW + WATCHER_MARGIN:
            return "pending"
        return "in_time"


def provider_tally(orders: Iterable[EndedOrder], now: datetime) -> dict[str, dict[str, int]]:
    """Per provider code: how many ended orders it acknowledged in time, late, or not yet."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACK_ZH, 0))
    for order in orders:
        out[order.provider_code or ""][order.acknowledgement(now)] += 1
    return dict(out)


@dataclass(frozen=True)
class ServedFile:
    """A current recipient's items in force on the month's last day, where they live."""

    person_id: uuid.UUID
    township_code: str
    village_code: str
    item_codes: Sequence[str]


@dataclass(frozen=True)
class Coverage:
    """Approved items (person × item) of current recipients, and those served in the month."""

    township_code: str
    village_code: str
    approved_items: int
    served_items: int

    @property
    def ratio(self) -> float | None:
        """Served over approved (None without approved items)."""
        return self.served_items / self.approved_items if self.approved_items else None


def coverage(files: Iterable[ServedFile], served: Mapping[uuid.UUID, set[str]]) -> list[Coverage]:
    """Per village: approved items, and how many had at least one validated service."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for file in files:
        row = counts[(file.township_code, file.village_code)]
        for code in set(file.item_codes):
            row[0] += 1
            row[1] += code in served.get(file.person_id, set())
    return [Coverage(t, v, a, s) for (t, v), (a, s) in sorted(counts.items())]


def month_days(month: str) -> tuple[date, date]:
    """The month's first day and the first day of the next month (YYYY-MM)."""
    year, mon = (int(part) for part in month.split("-"))
    return date(year, mon, 1), date(year + mon // 12, mon % 12 + 1, 1)


def as_of(month: tuple[date, date], today: date) -> date:
    """The day a month's open cases are measured to: today, or the month's last day."""
    return min(today, month[1] - timedelta(days=1))


def group_by(rows: Iterable[Any], key: str) -> dict[str, list[Any]]:
    """Rows grouped by one attribute, keys in order."""
    out: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        out[getattr(row, key)].append(row)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class StopView:
    """A stop in a division: whose (masked), the orders it ended, those still open."""

    stop: Stop
    township_code: str
    village_code: str
    display_name: str
    service_number: str
    ended: Sequence[EndedOrder]
    still_open: int


@dataclass(frozen=True)
class Caseload:
    """Current recipients of one category in one village (served and suspended)."""

    township_code: str
    village_code: str
    category: str
    served: int
    suspended: int
