"""The city's report lands once per external reference, a stop or death waits for the
township unless the county says not, a report that cannot apply lands on the township's queue
with why, and reports apply in the city's effective-date order whatever order they arrive in
(use case on an in-memory registry)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from contracts.intake import CityStatusResolved
from contracts.review import RecipientStatusChanged
from contracts.samples import sample

from .fakes import FakeRegistry, ReviewUnitOfWork, admit, use_fake_repositories

pytestmark = pytest.mark.unit


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    fake = FakeRegistry()
    use_fake_repositories(monkeypatch, fake)
    return fake


def report(person_id: uuid.UUID, status: str, day: date, **more: Any) -> CityStatusResolved:
    """A fresh event (new event id) for one report of the city system."""
    return sample(
        CityStatusResolved,
        person_id=person_id,
        case_id="CZ-7",
        external_reference=f"CZ-7:{status}:{day}",
        status=status,
        effective_date=day,
        city_reason_code="other",
        **more,
    )


async def test_the_same_report_with_a_new_event_id_changes_nothing(registry: FakeRegistry) -> None:
    r = admit(registry)
    first = report(r.person_id, "suspended", date(2024, 7, 1))
    again = report(r.person_id, "suspended", date(2024, 7, 1))
    assert again.event_id != first.event_id
    uow = ReviewUnitOfWork(registry)
    await uow.apply(first, again)
    [event] = [e for e in uow.events if isinstance(e, RecipientStatusChanged)]
    assert (event.version, event.source.value) == (2, "city_system")
    assert registry.by_id[r.recipient_id].status_version == 2
    assert list(registry.history) == ["CZ-7:suspended:2024-07-01"]


async def test_a_stale_or_disallowed_report_is_kept_for_the_township_with_why(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    await uow.apply(
        report(r.person_id, "suspended", date(2024, 7, 10)),
        report(r.person_id, "resumed", date(2024, 7, 9)),  # before the last change: stale
        report(r.person_id, "category_changed", date(2024, 7, 12), category="tekun"),
    )
    assert [e.status.value for e in uow.events] == ["suspended"]
    assert registry.by_id[r.recipient_id].status_version == 2
    assert registry.states() == {
        "CZ-7:resumed:2024-07-09": "superseded",
        "CZ-7:category_changed:2024-07-12": "refused",
    }
    refused = registry.held["CZ-7:category_changed:2024-07-12"]
    assert (refused.recipient_id, refused.township_code, refused.refusal_code) == (
        r.recipient_id,
        "341702100",
        "transition_not_allowed",
    )
    assert refused.refusal_zh == "服务对象当前为“暂停”，不能变更为“类别变更”"


async def test_a_report_about_someone_who_is_no_recipient_waits_on_their_township(
    registry: FakeRegistry,
) -> None:
    uow = ReviewUnitOfWork(registry)
    stranger, applicant = uuid.uuid4(), uuid.uuid4()
    registry.applicants[applicant] = ("341702101", "341702101201")
    await uow.apply(
        report(stranger, "stopped", date(2024, 7, 1), township_code="341702100"),
        report(applicant, "suspended", date(2024, 7, 2), township_code=None, village_code=None),
        # Neither a township of its own nor an application: parked (not in a consumer here).
        report(uuid.uuid4(), "deceased", date(2024, 7, 3), township_code=None, village_code=None),
    )
    assert uow.events == [] and registry.history == {}
    kept = {h.report.person_id: h for h in registry.held.values()}
    assert set(kept) == {stranger, applicant}
    assert (kept[stranger].state.value, kept[stranger].township_code) == (
        "no_recipient",
        "341702100",
    )
    assert (kept[applicant].township_code, kept[applicant].village_code) == (
        "341702101",
        "341702101201",
    )
    assert (
        kept[applicant].refusal_code == "not_a_recipient" and kept[applicant].recipient_id is None
    )


async def test_a_stop_or_death_waits_for_the_township_and_changes_nothing_yet(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    stop = report(r.person_id, "stopped", date(2024, 7, 1))
    uow = ReviewUnitOfWork(registry)
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


async def test_other_statuses_apply_at_once_as_before(registry: FakeRegistry) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    await uow.apply(
        report(r.person_id, "suspended", date(2024, 7, 1)),
        report(r.person_id, "resumed", date(2024, 7, 9)),
    )
    assert [e.status.value for e in uow.events] == ["suspended", "resumed"]
    assert registry.held == {}


async def test_a_county_that_turned_confirmation_off_gets_the_stop_at_once(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    registry.confirming_counties.clear()
    uow = ReviewUnitOfWork(registry)
    await uow.apply(report(r.person_id, "stopped", date(2024, 7, 1)))
    [event] = uow.events
    assert (event.status.value, event.source.value, event.decided_by) == (
        "stopped",
        "city_system",
        None,
    )
    assert registry.held == {}


async def test_a_stop_that_could_not_apply_now_is_kept_refused_never_superseded(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)  # admitted on 2024-06-01
    uow = ReviewUnitOfWork(registry)
    await uow.apply(report(r.person_id, "stopped", date(2024, 5, 1)))  # before the admission
    assert uow.events == []
    [held] = registry.held.values()
    assert (held.state.value, held.refusal_code) == ("refused", "effective_before_admission")


async def apply_in_order(
    registry: FakeRegistry, arrival: tuple[tuple[str, date], ...]
) -> tuple[Any, ReviewUnitOfWork]:
    """Admits a recipient, applies the city's reports in ``arrival`` order; the recipient after."""
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    await uow.apply(*(report(r.person_id, status, day) for status, day in arrival))
    return registry.by_id[r.recipient_id], uow


SUSPEND, RESUME = ("suspended", date(2024, 7, 1)), ("resumed", date(2024, 8, 1))


@pytest.mark.parametrize("arrival", [(SUSPEND, RESUME), (RESUME, SUSPEND)], ids=["in", "reversed"])
async def test_a_resume_before_its_suspend_ends_resumed_in_either_arrival_order(
    registry: FakeRegistry, arrival: tuple[tuple[str, date], ...]
) -> None:
    after, uow = await apply_in_order(registry, arrival)
    assert (after.status.value, after.status_version) == ("resumed", 3)
    assert after.status_effective_date == date(2024, 8, 1)
    assert [(e.version, e.status.value) for e in uow.events] == [(2, "suspended"), (3, "resumed")]
    if arrival[0] == RESUME:  # it waited on the queue, then applied by itself
        assert registry.states() == {"CZ-7:resumed:2024-08-01": "applied"}
        assert registry.held["CZ-7:resumed:2024-08-01"].decided_by == "review:city-order"
    else:
        assert registry.states() == {}


LATE_SUSPEND, EARLY_RESUME = ("suspended", date(2024, 8, 1)), ("resumed", date(2024, 7, 1))


@pytest.mark.parametrize(
    "arrival",
    [(LATE_SUSPEND, EARLY_RESUME), (EARLY_RESUME, LATE_SUSPEND)],
    ids=["suspend-first", "resume-first"],
)
async def test_a_suspend_dated_after_the_resume_ends_suspended_in_either_order(
    registry: FakeRegistry, arrival: tuple[tuple[str, date], ...]
) -> None:
    after, _ = await apply_in_order(registry, arrival)
    assert (after.status.value, after.status_version) == ("suspended", 2)
    assert registry.states() == {"CZ-7:resumed:2024-07-01": "superseded"}


async def test_a_resume_whose_suspend_never_comes_stays_on_the_queue(
    registry: FakeRegistry,
) -> None:
    r = admit(registry)
    uow = ReviewUnitOfWork(registry)
    await uow.apply(report(r.person_id, "resumed", date(2024, 8, 1)))
    assert uow.events == [] and registry.states() == {"CZ-7:resumed:2024-08-01": "refused"}
    # An unrelated report applied later tries it again; still refused, still waiting.
    await uow.apply(report(r.person_id, "transferred", date(2024, 7, 31), **ELSEWHERE))
    assert [e.status.value for e in uow.events] == ["transferred"]
    assert registry.states()["CZ-7:resumed:2024-08-01"] == "refused"


ELSEWHERE = {"county_code": "341702", "township_code": "341702101", "village_code": "341702101201"}
