"""The chain from application to first service: what each event says about a person's chain,
and the figures the dashboards show (counts, median and 90th percentile in whole days).

Every step is the first time it happened (the earliest event time), counted in Chizhou days.
Facts merge by taking the earliest time of each step, so applying them in any order, or twice,
gives the same chain: the read model can be rebuilt from the topics while the service runs.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from contracts import dispatch, intake, survey
from contracts.calendar import day_of
from contracts.envelope import Event
from contracts.review import ApplicationRejected, RecipientApproved

#: The steps of the chain in order, each the column holding when it first happened.
STEPS: tuple[str, ...] = (
    "submitted",
    "registered",
    "surveyed",
    "decided",
    "first_accepted",
    "first_delivered",
)
#: What the dashboard measures: (name, from step, to step); "whole" is the whole chain.
SPANS: tuple[tuple[str, str, str], ...] = (
    ("registration", "submitted", "registered"),
    ("survey", "registered", "surveyed"),
    ("decision", "surveyed", "decided"),
    ("first_order", "decided", "first_accepted"),
    ("first_service", "first_accepted", "first_delivered"),
    ("whole", "submitted", "first_delivered"),
)
SPAN_ZH = {
    "registration": "申请→受理登记",
    "survey": "受理登记→入户调查完成",
    "decision": "入户调查→审核确认",
    "first_order": "审核确认→首个订单接单",
    "first_service": "首个订单接单→首次服务",
    "whole": "申请→首次服务（全流程）",
}


@dataclass(frozen=True)
class ChainFact:
    """What one event says about a person's chain: when a step happened, and (``where_at``)
    the residence, category and masked name as of that event."""

    person_id: uuid.UUID
    at: datetime
    step: str | None = None
    application_id: uuid.UUID | None = None
    county_code: str | None = None
    township_code: str | None = None
    village_code: str | None = None
    category: str | None = None
    display_name: str | None = None
    decision: str | None = None
    route: str | None = None


def _where(event: Any) -> dict[str, Any]:
    return {
        "county_code": event.county_code,
        "township_code": event.township_code,
        "village_code": event.village_code,
        "application_id": event.application_id,
    }


def _application(event: intake.ApplicationSubmitted | intake.DiscoveryReported) -> dict[str, Any]:
    return {"step": "submitted", **_where(event), "category": event.category.value}


def _registered(event: intake.ApplicationRegistered) -> dict[str, Any]:
    values = {"step": "registered", **_where(event), "category": event.category.value}
    return values | {"display_name": event.display_name}


def _approved(event: RecipientApproved) -> dict[str, Any]:
    values = {"step": "decided", "decision": "approved", **_where(event)}
    route = {"route": event.route.value, "display_name": event.display_name}
    return values | {"category": event.category.value} | route


_FACTS: dict[type[Event], Callable[[Any], dict[str, Any]]] = {
    intake.ApplicationSubmitted: _application,
    intake.DiscoveryReported: _application,
    intake.ApplicationRegistered: _registered,
    intake.ApplicationWithdrawn: lambda e: {"step": "withdrawn"},
    survey.SurveyCompleted: lambda e: {"step": "surveyed"},
    RecipientApproved: _approved,
    ApplicationRejected: lambda e: {"step": "decided", "decision": "rejected"},
    dispatch.ServiceOrderAccepted: lambda e: {"step": "first_accepted"},
    dispatch.ServiceDelivered: lambda e: {"step": "first_delivered"},
}
#: Every event type that moves a chain.
CHAIN_EVENTS: frozenset[str] = frozenset(cls.model_fields["event_type"].default for cls in _FACTS)


def fact_of(event: Event) -> ChainFact | None:
    """What the event says about its person's chain (None: nothing)."""
    make = _FACTS.get(type(event))
    if make is None:
        return None
    return ChainFact(person_id=event.person_id, at=event.occurred_at, **make(event))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Chain:
    """One person's chain as the read model holds it (step → when it first happened)."""

    person_id: uuid.UUID
    township_code: str
    village_code: str
    category: str
    display_name: str | None
    service_number: str | None
    times: dict[str, datetime | None]
    decision: str | None = None
    withdrawn_at: datetime | None = None
    application_id: uuid.UUID | None = None

    def day(self, step: str) -> date | None:
        """The Chizhou day the step first happened, if it did."""
        at = self.times.get(step)
        return day_of(at) if at is not None else None

    def days(self, start: str, end: str) -> int | None:
        """Whole days from one step to another (None unless both happened)."""
        first, last = self.day(start), self.day(end)
        if first is None or last is None:
            return None
        return max((last - first).days, 0)  # a step recorded before its cause counts as 0

    @property
    def ended_on(self) -> date | None:
        """The day the chain closed: first service, rejection or withdrawal."""
        if (delivered := self.day("first_delivered")) is not None:
            return delivered
        if self.decision == "rejected":
            return self.day("decided")
        return day_of(self.withdrawn_at) if self.withdrawn_at is not None else None

    def outcome_on(self, day: date) -> str:
        """served, rejected, withdrawn or open, as it stood at the end of ``day``."""
        ended = self.ended_on
        if ended is None or ended > day:
            return "open"
        if self.day("first_delivered") is not None:
            return "served"
        return "rejected" if self.decision == "rejected" else "withdrawn"


def percentile(values: Sequence[int], q: float) -> float | None:
    """The q-th quantile with linear interpolation, as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class SpanFigures:
    """One span of one township in one month: how many ended in it, median and p90 days."""

    span: str
    count: int
    median_days: float | None
    p90_days: float | None


def span_figures(chains: Iterable[Chain], month: tuple[date, date]) -> list[SpanFigures]:
    """Every span's figures over the chains whose span ended in the month (start ≤ d < end)."""
    start, end = month
    out = []
    listed = list(chains)
    for name, first, last in SPANS:
        days = [
            d
            for c in listed
            if (ended := c.day(last)) is not None
            and start <= ended < end
            and (d := c.days(first, last)) is not None
        ]
        out.append(SpanFigures(name, len(days), percentile(days, 0.5), percentile(days, 0.9)))
    return out


def elapsed(chain: Chain, as_of: date) -> int | None:
    """Days from application to the chain's end, or to ``as_of`` if it was open then."""
    applied = chain.day("submitted")
    if applied is None:
        return None
    return max((min(chain.ended_on or as_of, as_of) - applied).days, 0)


def slowest(
    chains: Iterable[Chain], month: tuple[date, date], as_of: date, n: int = 10
) -> list[Chain]:
    """The ``n`` longest chains alive in the month (applied before its end, not closed before
    its start), the longest first; open ones are measured to ``as_of``."""
    start, end = month
    alive = [
        c
        for c in chains
        if (applied := c.day("submitted")) is not None
        and applied < end
        and (c.ended_on is None or c.ended_on >= start)
    ]
    return sorted(alive, key=lambda c: (-(elapsed(c, as_of) or 0), str(c.person_id)))[:n]
