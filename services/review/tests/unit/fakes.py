"""In-memory stand-ins for review's tables and unit of work: handler rules in milliseconds.

Handlers reach SQL only through the repository functions, called as ``repo.x(uow.session,
...)``. ``use_fake_repositories`` points the ones the recipient and city-report use cases call
at a ``FakeRegistry`` (the tables in dictionaries), and civic's stored answers to
Idempotency-Keys at its ``answers``. The unit of work is civic's shared ``FakeUnitOfWork``:
unlike PostgreSQL the registry does not undo writes on a rollback, so a test reads
``uow.committed`` and ``uow.events`` to see what a use case kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import idempotency
from civic.idempotency import Answer, Retry
from civic.testing import FakeAnswers, FakeUnitOfWork
from contracts.enums import RecipientStatus
from contracts.intake import CityStatusResolved
from contracts.review import RecipientStatusChanged
from review import repository
from review.domain.city import AWAITING, HeldReport, HeldState
from review.domain.decision import Recipient
from review.handlers.city_reports import apply_city_status

#: Where the fake recipients live (a township of Guichi district).
COUNTY, TOWNSHIP, VILLAGE = "341702", "341702100", "341702100201"
ADMITTED = date(2024, 6, 1)


@dataclass
class FakeRegistry:
    """The recipient registry, its status history, the city's held reports and stored answers."""

    by_id: dict[uuid.UUID, Recipient] = field(default_factory=dict)
    #: Changes with an external reference (the city's reports), by that reference.
    history: dict[str, RecipientStatusChanged] = field(default_factory=dict)
    #: Every change recorded, in order (an officer's have no external reference).
    changes: list[RecipientStatusChanged] = field(default_factory=list)
    held: dict[str, HeldReport] = field(default_factory=dict)
    confirming_counties: set[str] = field(default_factory=lambda: {COUNTY})
    applicants: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)
    answers: FakeAnswers = field(default_factory=FakeAnswers)

    def states(self) -> dict[str, str]:
        """External reference -> state of every report kept for the township."""
        return {ref: h.state.value for ref, h in self.held.items()}

    async def status_reference_known(self, _: Any, ref: str) -> bool:
        return ref in self.history

    async def city_report_known(self, _: Any, ref: str) -> bool:
        return ref in self.held

    async def confirms_city_stops(self, _: Any, county_code: str) -> bool:
        return county_code in self.confirming_counties

    async def hold_city_report(self, _: Any, held: HeldReport) -> None:
        assert held.report.external_reference not in self.held  # the unique index
        self.held[held.report.external_reference] = held

    async def get_city_report(
        self, _: Any, report_id: uuid.UUID, lock: bool = False
    ) -> HeldReport | None:
        found = [h for h in self.held.values() if h.report_id == report_id]
        if not found:
            return None
        recipient = self.by_id.get(found[0].recipient_id) if found[0].recipient_id else None
        # The real query joins the recipient's masked name.
        name = recipient.display_name if recipient else None
        return found[0].model_copy(update={"display_name": name})

    async def waiting_city_reports(self, _: Any, recipient_id: uuid.UUID) -> list[HeldReport]:
        mine = [
            h
            for h in self.held.values()
            if h.recipient_id == recipient_id and h.state is HeldState.REFUSED
        ]
        return sorted(mine, key=lambda h: (h.report.effective_date, h.received_at))

    async def decide_city_report(self, _: Any, held: HeldReport, **by: Any) -> None:
        ref = held.report.external_reference
        assert self.held[ref].state in AWAITING  # the real update's condition
        self.held[ref] = held.model_copy(update=by)

    async def place_of_applicant(self, _: Any, person_id: uuid.UUID) -> tuple[str, str] | None:
        return self.applicants.get(person_id)

    async def last_recipient_of(self, _: Any, person_id: uuid.UUID) -> uuid.UUID | None:
        mine = [r for r in self.by_id.values() if r.person_id == person_id]
        return mine[-1].recipient_id if mine else None

    async def open_recipient_of(self, _: Any, person_id: uuid.UUID) -> uuid.UUID | None:
        ended = ("stopped", "deceased")
        mine = [r for r in self.by_id.values() if r.person_id == person_id]
        return next((r.recipient_id for r in mine if r.status.value not in ended), None)

    async def get_recipient(
        self, _: Any, recipient_id: uuid.UUID, lock: bool = False
    ) -> Recipient | None:
        return self.by_id.get(recipient_id)

    async def suspensions_due(self, _: Any, today: date, *, limit: int) -> list[uuid.UUID]:
        due = [
            r
            for r in self.by_id.values()
            if r.status is RecipientStatus.SUSPENDED and r.expected_end and r.expected_end <= today
        ]
        return [r.recipient_id for r in sorted(due, key=lambda r: r.expected_end or today)][:limit]

    async def save_status_change(
        self,
        _: Any,
        r: Recipient,
        event: RecipientStatusChanged,
        *,
        external_reference: str | None,
    ) -> None:
        # The real update matches the version read under the lock, and must change one row.
        assert self.by_id[r.recipient_id].status_version == r.status_version - 1
        if external_reference is not None:
            assert external_reference not in self.history  # the unique index of the real table
            self.history[external_reference] = event
        self.by_id[r.recipient_id] = r
        self.changes.append(event)

    async def replayed(self, retry: Retry | None, uow: Any) -> Answer | None:
        """civic's stored answer to the key (409 if it came with a different request)."""
        return self.answers.replayed(retry)

    async def remember(self, retry: Retry | None, uow: Any, answer: Answer) -> None:
        """Stores the answer under the key (its primary key: scope and key)."""
        self.answers.remember(retry, answer)


#: The repository functions the recipient and city-report use cases call.
FAKED = (
    "status_reference_known",
    "open_recipient_of",
    "get_recipient",
    "save_status_change",
    "suspensions_due",
    "city_report_known",
    "confirms_city_stops",
    "hold_city_report",
    "get_city_report",
    "waiting_city_reports",
    "decide_city_report",
    "place_of_applicant",
    "last_recipient_of",
)


def use_fake_repositories(monkeypatch: pytest.MonkeyPatch, registry: FakeRegistry) -> None:
    """Points the repository functions and civic's stored answers at ``registry``."""
    for name in FAKED:
        monkeypatch.setattr(repository, name, getattr(registry, name))
    monkeypatch.setattr(idempotency, "replayed", registry.replayed)
    monkeypatch.setattr(idempotency, "remember", registry.remember)


class ReviewUnitOfWork(FakeUnitOfWork):
    """civic's fake unit of work over a registry (it stands where the session would)."""

    def __init__(self, registry: FakeRegistry) -> None:
        super().__init__(session=registry)

    @property
    def events(self) -> list[Any]:
        """The committed events (typed loosely: tests read each kind's own fields)."""
        return super().events

    async def apply(self, *reports: CityStatusResolved) -> None:
        """Runs the consumer's use case on each city report in turn."""
        for report in reports:
            await apply_city_status(report, uow=self)


def admit(registry: FakeRegistry, **overrides: Any) -> Recipient:
    """An active recipient of the township, admitted on 1 June 2024, kept in ``registry``."""
    values: dict[str, Any] = {
        **{k: uuid.uuid4() for k in ("recipient_id", "person_id", "application_id")},
        "household_id": uuid.uuid4(),
        "category": "dibao",
        "special_conditions": (),
        "self_care_level": None,
        "need_categories": ("life_care",),
        "county_code": COUNTY,
        "township_code": TOWNSHIP,
        "village_code": VILLAGE,
        "display_name": "张*三",
        "status": "active",
        "status_version": 1,
        "status_effective_date": ADMITTED,
        "admitted_on": ADMITTED,
        "items": (),
        "catalogue_version": 1,
        "approved_by": "u-officer-1",
        "approved_at": datetime(2024, 5, 30, 8, tzinfo=UTC),
    }
    r = Recipient.model_validate({**values, **overrides})
    registry.by_id[r.recipient_id] = r
    return r
