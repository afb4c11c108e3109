"""The city system's reports and the monthly follow-up: pure rules and the clock."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from contracts.enums import Channel, ServiceCategory
from contracts.inbound import AssistanceStatusReported
from contracts.privacy import find_id_numbers
from contracts.samples import sample
from intake.domain import city, events
from intake.domain.model import PersonDetails, advance
from intake.domain.status import ApplicationStatus
from intake.jobs import schedule

pytestmark = pytest.mark.unit

ID_NUMBER = "341702195001010036"


class Cancelled(Exception):
    """Stands for the task's cancellation at shutdown."""


def report(**overrides: Any) -> AssistanceStatusReported:
    values = {
        "case_id": "CZ-DB-000123",
        "status": "stopped",
        "category": "dibao",
        "effective_date": date(2024, 7, 1),
        "reason_code": "TB01",
        "reason_zh": "收入超标",
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
    }
    return sample(AssistanceStatusReported, **{**values, **overrides})


def test_the_external_reference_is_case_status_and_day() -> None:
    assert city.external_reference(report()) == "CZ-DB-000123:stopped:2024-07-01"
    resent = report()
    assert resent.event_id != report().event_id
    assert city.external_reference(resent) == city.external_reference(report())


def test_the_resolved_report_carries_our_person_id_and_never_the_id_number() -> None:
    person_id = uuid.uuid4()
    got = report(previous_category="tekun")
    event = city.resolved(got, person_id=person_id)
    assert event.person_id == person_id and event.subject_key == str(person_id)
    assert (event.case_id, event.city_reason_code) == ("CZ-DB-000123", "TB01")
    assert event.external_reference == "CZ-DB-000123:stopped:2024-07-01"
    assert event.previous_category is not None and event.previous_category.value == "tekun"
    assert event.correlation_id == str(got.event_id)
    payload = event.model_dump_json()
    assert ID_NUMBER not in payload and find_id_numbers(payload) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("case_id", f"CASE-{ID_NUMBER}"),
        ("reason_zh", "联系电话13805661234"),
        ("reason_code", ID_NUMBER),
    ],
)
def test_an_id_or_phone_number_outside_its_field_is_refused(field: str, value: str) -> None:
    [problem] = city.check_report(report(**{field: value}))
    assert (problem.code, problem.field) == ("personal_data_in_field", f"body.{field}")
    assert city.check_report(report()) == []


def test_only_active_means_a_new_admission() -> None:
    assert city.is_admission(report(status="active"))
    assert not city.is_admission(report(status="resumed"))


def test_months_in_shanghai() -> None:
    assert city.month_start("2024-06") == date(2024, 6, 1)
    for bad in ("2024-6", "2024-13", "202406", "2024-06-01"):
        with pytest.raises(ValueError):
            city.month_start(bad)


def test_a_follow_up_application_is_opened_for_the_village_with_every_need() -> None:
    admission = city.Admission(
        person_id=uuid.uuid4(),
        category="dibao",  # type: ignore[arg-type]
        county_code="341702",
        township_code="341702100",
        village_code="341702100201",
        effective_date=date(2024, 5, 6),
    )
    person = PersonDetails(city.UNKNOWN_NAME, ID_NUMBER)
    app = city.follow_up_application(
        admission, person, household_id=uuid.uuid4(), at=datetime(2024, 5, 7, tzinfo=UTC)
    )
    assert app.channel is Channel.CITY_SYSTEM and app.status is ApplicationStatus.SUBMITTED
    assert app.need_categories == tuple(ServiceCategory) and app.requested_items == ()
    assert (app.township_code, app.submitted_by) == ("341702100", city.FOLLOW_UP_USER)
    assert "市社会救助信息系统新纳入" in (app.timeline[0].note_zh or "")
    done = advance(app, ApplicationStatus.REGISTERED, at=app.submitted_at)
    registered = events.registered(done, officer_id=city.FOLLOW_UP_USER)
    assert registered.display_name == "姓名*待核实" and registered.channel is Channel.CITY_SYSTEM
    assert registered.version == 2 and ID_NUMBER not in registered.model_dump_json()


async def test_the_clock_runs_now_then_sleeps_to_the_next_month(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: list[str] = []
    sleeps: list[float] = []

    async def run(month: str, *, uow: Any, records: Any) -> list[uuid.UUID]:
        runs.append(month)
        if len(runs) == 2:
            raise RuntimeError("database down")
        return []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise Cancelled

    class Runtime:
        def uow(self) -> None:
            return None

    monkeypatch.setattr(schedule.follow_up, "open_follow_up_applications", run)
    may_31_23h = datetime(2024, 5, 31, 15, 0, tzinfo=UTC)  # 23:00 in Chizhou
    june_1_0h = datetime(2024, 5, 31, 16, 0, 1, tzinfo=UTC)  # 00:00:01 on 1 June in Chizhou
    moments = iter([may_31_23h] * 2 + [june_1_0h] * 6)  # a run reads the month, then the wait
    with pytest.raises(Cancelled), clock.using(Clock(lambda: next(moments))):
        await schedule.run_monthly(Runtime(), sleep=sleep)  # type: ignore[arg-type]
    assert runs == ["2024-05", "2024-06", "2024-06"]
    # An hour (and a second) to June; five minutes after a failure; then all of June.
    assert sleeps == [3601, schedule.RETRY_S, 30 * 86400]
