"""The city's report lands once per external reference, and a stop or death waits for the
township unless the county says not (use case on an in-memory registry)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from contracts.intake import CityStatusResolved
from contracts.review import RecipientStatusChanged
from contracts.samples import sample
from review.domain.city import HeldReport
from review.domain.decision import Recipient
from review.handlers import city_reports as use_cases

pytestmark = pytest.mark.unit

ADMITTED = date(2024, 6, 1)


@dataclass
class Registry:
    """The repository functions the use case calls, over dictionaries."""

    by_id: dict[uuid.UUID, Recipient] = field(default_factory=dict)
    history: dict[str, RecipientStatusChanged] = field(default_factory=dict)
    held: dict[str, HeldReport] = field(default_factory=dict)
    confirming_counties: set[str] = field(default_factory=lambda: {"341702"})

    async def status_reference_known(self, _: Any, ref: str) -> bool:
        return ref in self.history

    async def city_report_known(self, _: Any, ref: str) -> bool:
        return ref in self.held

    async def confirms_city_stops(self, _: Any, county_code: str) -> bool:
        return county_code in self.confirming_counties

    async def hold_city_report(self, _: Any, held: HeldReport) -> None:
        assert held.report.external_reference not in self.held  # the unique index
        self.held[held.report.external_reference] = held

    async def open_recipient_of(self, _: Any, person_id: uuid.UUID) -> uuid.UUID | None:
        ended = ("stopped", "deceased")
        mine = [r for r in self.by_id.values() if r.person_id == person_id]
        return next((r.recipient_id for r in mine if r.status.value not in ended), None)

    async def get_recipient(self, _: Any, recipient_id: uuid.UUID, lock: bool = False) -> Recipient:
        return self.by_id[recipient_id]

    async def save_status_change(
        self, _: Any, r: Recipient, event: RecipientStatusChanged, *, external_reference: str
    ) -> None:
        assert external_reference not in self.history  # the unique index of the real table
        self.by_id[r.recipient_id] = r
        self.history[external_reference] = event


class Uow:
    """Only what the use case touches: a session and emit()."""

    session = None

    def __init__(self) -> None:
        self.events: list[Any] = []

    def emit(self, event: Any) -> None:
        self.events.append(event)

    async def apply(self, *reports: CityStatusResolved) -> None:
        """Runs the consumer's use case on each report in turn."""
        for got in reports:
            await use_cases.apply_city_status(got, uow=self)  # type: ignore[arg-type]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    fake = Registry()
    used = (
        "status_reference_known",
        "open_recipient_of",
        "get_recipient",
        "save_status_change",
        "city_report_known",
        "confirms_city_stops",
        "hold_city_report",
    )
    for name in used:
        monkeypatch.setattr(use_cases.repo, name, getattr(fake, name))
    return fake


def admit(registry: Registry) -> Recipient:
    r = Recipient.model_validate(
        {
            **{k: uuid.uuid4() for k in ("recipient_id", "person_id", "application_id")},
            "household_id": uuid.uuid4(),
            "category": "dibao",
            "special_conditions": (),
            "self_care_level": None,
            "need_categories": ("life_care",),
            "county_code": "341702",
            "township_code": "341702100",
            "village_code": "341702100201",
            "display_name": "张*三",
            "status": "active",
            "status_version": 1,
            "status_effective_date": ADMITTED,
            "admitted_on": ADMITTED,
            "items": (),
            "catalogue_version": 1,
            "approved_by": "u-officer-1",
            "approved_at": "2024-05-30T08:00:00+00:00",
        }
    )
    registry.by_id[r.recipient_id] = r
    return r


def report(person_id: uuid.UUID, status: str, day: date) -> CityStatusResolved:
    """A fresh event (new event id) for one report of the city system."""
    return sample(
        CityStatusResolved,
        person_id=person_id,
        case_id="CZ-7",
        external_reference=f"CZ-7:{status}:{day}",
        status=status,
        effective_date=day,
        city_reason_code="other",
    )


async def test_the_same_report_with_a_new_event_id_changes_nothing(registry: Registry) -> None:
    r = admit(registry)
    first = report(r.person_id, "suspended", date(2024, 7, 1))
    again = report(r.person_id, "suspended", date(2024, 7, 1))
    assert again.event_id != first.event_id
    uow = Uow()
    await uow.apply(first, again)
    [event] = [e for e in uow.events if isinstance(e, RecipientStatusChanged)]
    assert (event.version, event.source.value) == (2, "city_system")
    assert registry.by_id[r.recipient_id].status_version == 2
    assert list(registry.history) == ["CZ-7:suspended:2024-07-01"]


async def test_a_stale_or_disallowed_report_is_ignored(registry: Registry) -> None:
    r = admit(registry)
    uow = Uow()
    await uow.apply(
        report(r.person_id, "suspended", date(2024, 7, 10)),
        report(r.person_id, "resumed", date(2024, 7, 9)),  # before the last change: stale
        report(r.person_id, "category_changed", date(2024, 7, 12)),  # not while suspended
    )
    assert [e.status.value for e in uow.events] == ["suspended"]
    assert registry.by_id[r.recipient_id].status_version == 2


async def test_a_report_about_someone_who_is_no_recipient_records_nothing(
    registry: Registry,
) -> None:
    uow = Uow()
    await uow.apply(report(uuid.uuid4(), "stopped", date(2024, 7, 1)))
    assert uow.events == [] and registry.history == {}


async def test_a_stop_or_death_waits_for_the_township_and_changes_nothing_yet(
    registry: Registry,
) -> None:
    r = admit(registry)
    stop = report(r.person_id, "stopped", date(2024, 7, 1))
    uow = Uow()
    await uow.apply(stop, report(r.person_id, "stopped", date(2024, 7, 1)))  # and its resend
    assert uow.events == [] and registry.history == {}
    assert registry.by_id[r.recipient_id].status.value == "active"
    [held] = registry.held.values()
    assert (held.state.value, held.recipient_id, held.township_code) == (
        "pending",
        r.recipient_id,
        "341702100",
    )
    assert held.report.event_id == stop.event_id

    await uow.apply(report(r.person_id, "deceased", date(2024, 7, 2)))
    assert sorted(h.report.status.value for h in registry.held.values()) == ["deceased", "stopped"]


async def test_other_statuses_apply_at_once_as_before(registry: Registry) -> None:
    r = admit(registry)
    uow = Uow()
    await uow.apply(
        report(r.person_id, "suspended", date(2024, 7, 1)),
        report(r.person_id, "resumed", date(2024, 7, 9)),
    )
    assert [e.status.value for e in uow.events] == ["suspended", "resumed"]
    assert registry.held == {}


async def test_a_county_that_turned_confirmation_off_gets_the_stop_at_once(
    registry: Registry,
) -> None:
    r = admit(registry)
    registry.confirming_counties.clear()
    uow = Uow()
    await uow.apply(report(r.person_id, "stopped", date(2024, 7, 1)))
    [event] = uow.events
    assert (event.status.value, event.source.value, event.decided_by) == (
        "stopped",
        "city_system",
        None,
    )
    assert registry.held == {}


async def test_a_stop_that_could_not_apply_now_is_not_held(registry: Registry) -> None:
    r = admit(registry)  # admitted on 2024-06-01
    uow = Uow()
    await uow.apply(report(r.person_id, "stopped", date(2024, 5, 1)))  # before the admission
    assert uow.events == [] and registry.held == {}
