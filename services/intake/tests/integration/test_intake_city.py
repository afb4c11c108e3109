"""The city system's reports (Kafka and HTTP) and the monthly follow-up, on real infrastructure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from civic.pseudonyms import pseudonyms_in
from contracts import topics
from contracts.bigdata import EventMirrored
from contracts.inbound import AssistanceStatusReported
from contracts.intake import ApplicationRegistered, ApplicationSubmitted, CityStatusResolved
from contracts.privacy import find_id_numbers
from devstack.infra import Infra
from devstack.journeys import city
from intake.adapters.sealing import id_number_index, open_id_number
from intake.orm import application, city_admission, city_status_report, person

pytestmark = pytest.mark.integration

ADMIN = {"roles": ["admin"], "user_id": "city-assistance-system"}


@dataclass(frozen=True)
class Report:
    """One report of the city system: the person's ID number, and the report's other fields."""

    id_number: str
    fields: dict[str, Any]

    @property
    def case_id(self) -> str:
        return str(self.fields["case_id"])

    def sealed(self, intake: Any) -> AssistanceStatusReported:
        """As the city writes it on the topic: a fresh event id, the number sealed to it."""
        return city.sealed_report(self.id_number, intake.inbound_key, **self.fields)


def report(id_number: str, status: str, day: str, **overrides: Any) -> Report:
    """A report of the city system about the person with ``id_number``."""
    values: dict[str, Any] = {
        # Never 7+ digits in a row: an all-digit id could read as a landline number, and
        # intake rightly refuses a report whose case id looks like a phone number.
        "case_id": "CZ-{}K{}".format(*(uuid.uuid4().hex[i : i + 5] for i in (0, 5))),
        "status": status,
        "category": "dibao",
        "effective_date": date.fromisoformat(day),
        "reason_code": "TB01",
        "reason_zh": "市救助系统报告",
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
    }
    return Report(id_number, {**values, **overrides})


def ref(r: Report) -> str:
    return f"{r.case_id}:{r.fields['status']}:{r.fields['effective_date']}"


def body_of(r: Report) -> dict[str, Any]:
    """The report as the city system posts it over HTTP: the number in clear, over TLS."""
    day = r.fields["effective_date"].isoformat()
    return {**r.fields, "effective_date": day, "id_number": r.id_number}


async def resolved_events(intake: Any, case_id: str, count: int) -> list[tuple[Any, Any]]:
    """The first ``count`` CityStatusResolved of one city case on intake's topic."""
    return await intake.read(
        topics.INTAKE_APPLICATIONS,
        lambda e: isinstance(e, CityStatusResolved) and e.case_id == case_id,
        count=count,
    )


async def reported_person(intake: Any, reference: str) -> uuid.UUID:
    """Waits until intake has taken the report in; our person id for it."""

    async def probe() -> uuid.UUID | None:
        async with intake.db() as s:
            stmt = select(city_status_report.c.person_id).where(
                city_status_report.c.external_reference == reference
            )
            found: uuid.UUID | None = (await s.execute(stmt)).scalar_one_or_none()
            return found

    person_id: uuid.UUID = await intake.eventually(probe)
    return person_id


async def test_a_report_on_kafka_reaches_review_without_the_id_number(
    intake: Any, infra: Infra
) -> None:
    created = await intake.submit()
    id_number = (await person_row(intake, created["person_id"]))["id_number"]
    stopped = report(id_number, "stopped", "2024-07-01", reason_zh="家庭收入超过标准")
    await intake.publish(stopped.sealed(intake))

    # What the city wrote holds the number sealed only; intake still found the person by it.
    [(_, written)] = await intake.read(
        topics.ASSISTANCE_STATUS_INBOUND,
        lambda e: isinstance(e, AssistanceStatusReported) and e.case_id == stopped.case_id,
    )
    assert id_number not in written.value.decode()
    assert find_id_numbers(written.value.decode()) == []

    [(event, record)] = await resolved_events(intake, stopped.case_id, 1)
    assert str(event.person_id) == created["person_id"]
    assert record.key == created["person_id"].encode()
    assert (event.external_reference, event.city_reason_code) == (ref(stopped), "TB01")
    raw = record.value.decode()
    assert id_number not in raw and find_id_numbers(raw) == []

    pseudonym = pseudonyms_in(infra.secrets_dir, "intake")  # the big-data platform's key
    [(mirror, mirrored)] = await intake.read(
        topics.BIGDATA_EVENTS,
        lambda e: (
            isinstance(e, EventMirrored) and e.source_event_id == pseudonym(str(event.event_id))
        ),
    )
    assert mirror.status == "stopped" and find_id_numbers(mirrored.value.decode()) == []
    assert mirror.person_id == pseudonym(str(event.person_id)) != event.person_id
    assert await intake.count(city_admission, city_admission.c.person_id == event.person_id) == 0


async def test_a_repeated_report_with_a_new_event_id_changes_nothing(intake: Any) -> None:
    id_number = intake.new_id_number()
    first = report(id_number, "suspended", "2024-07-01")
    resumed = report(id_number, "resumed", "2024-07-20", case_id=first.case_id)
    # Re-sent, a report has a new event id and so a seal of its own. One case id is one
    # Kafka key: the three are handled in this order.
    await intake.publish(first.sealed(intake), first.sealed(intake), resumed.sealed(intake))

    got = await resolved_events(intake, first.case_id, 2)
    assert [e.external_reference for e, _ in got] == [ref(first), ref(resumed)]
    assert got[0][0].person_id == got[1][0].person_id
    case = city_status_report.c.case_id == first.case_id
    assert await intake.count(city_status_report, case) == 2
    assert await intake.count(person, person.c.id_number_index == id_number_index(id_number)) == 1


async def test_the_same_report_over_http_for_the_integration_account(intake: Any) -> None:
    id_number = intake.new_id_number()
    suspended = report(id_number, "suspended", "2024-07-01")
    first = await intake.post_report(body_of(suspended), intake.auth(**ADMIN))
    again = await intake.post_report(body_of(suspended), intake.auth(**ADMIN))
    assert first.status_code == again.status_code == 202, first.text
    assert (first.json()["repeated"], again.json()["repeated"]) == (False, True)
    assert first.json()["person_id"] == again.json()["person_id"]
    assert first.json()["external_reference"] == ref(suspended)

    ended = report(id_number, "stopped", "2024-08-01", case_id=suspended.case_id)
    assert (await intake.post_report(body_of(ended), intake.auth(**ADMIN))).status_code == 202
    got = await resolved_events(intake, suspended.case_id, 2)
    assert [e.external_reference for e, _ in got] == [ref(suspended), ref(ended)]

    officer = intake.auth(["township_officer"], division="341702100")
    assert (await intake.post_report(body_of(suspended), officer)).status_code == 403
    bad_id = {
        **body_of(suspended),
        "id_number": id_number[:-1] + ("0" if id_number[-1] != "0" else "1"),
    }
    refused = await intake.post_report(bad_id, intake.auth(**ADMIN))
    assert refused.status_code == 422 and refused.json()["code"] == "bad_check_char"
    assert refused.json()["errors"][0]["field"] == "body.id_number"
    leaky = {**body_of(suspended), "case_id": f"CASE-{id_number}"}
    refused = await intake.post_report(leaky, intake.auth(**ADMIN))
    assert refused.status_code == 422 and refused.json()["code"] == "personal_data_in_field"
    assert id_number not in refused.text


async def person_row(intake: Any, person_id: Any) -> dict[str, Any]:
    async with intake.db() as s:
        row = (await s.execute(select(person).where(person.c.person_id == person_id))).one()
        sealed = row.id_number
        return {**row._mapping, "id_number": open_id_number(sealed, person_id=row.person_id)}


async def applications_of(intake: Any, person_id: uuid.UUID) -> list[dict[str, Any]]:
    async with intake.db() as s:
        rows = await s.execute(select(application).where(application.c.person_id == person_id))
        return [dict(r._mapping) for r in rows]


async def admit_over_http(intake: Any, r: Report) -> uuid.UUID:
    got = await intake.post_report(body_of(r), intake.auth(**ADMIN))
    assert got.status_code == 202, got.text
    return uuid.UUID(got.json()["person_id"])


async def follow_up(intake: Any, month: str, **auth: Any) -> Any:
    return await intake.client.post(f"/follow-ups/{month}", headers=intake.auth(**(auth or ADMIN)))


async def test_the_monthly_follow_up_opens_one_application_per_new_admission(intake: Any) -> None:
    by_kafka = report(intake.new_id_number(), "active", "2024-05-06")
    await intake.publish(by_kafka.sealed(intake))
    may = await reported_person(intake, ref(by_kafka))
    also_may = await admit_over_http(
        intake, report(intake.new_id_number(), "active", "2024-05-20", village_code="341702100202")
    )
    applied = await intake.submit()  # applied before the city system admitted them
    had = await admit_over_http(
        intake, report(await full_id(intake, applied), "active", "2024-05-21")
    )
    july = await admit_over_http(intake, report(intake.new_id_number(), "active", "2024-07-03"))
    nowhere = await admit_over_http(
        intake, report(intake.new_id_number(), "active", "2024-05-07", village_code=None)
    )
    assert await intake.count(city_admission, city_admission.c.person_id == had) == 0

    june = await follow_up(intake, "2024-06")
    assert june.status_code == 200, june.text
    opened = {uuid.UUID(a) for a in june.json()["opened"]}
    apps = {p: await applications_of(intake, p) for p in (may, also_may, had, july, nowhere)}
    assert opened == {apps[may][0]["application_id"], apps[also_may][0]["application_id"]}
    assert [len(apps[p]) for p in (may, also_may, had, july, nowhere)] == [1, 1, 1, 0, 0]
    assert (apps[may][0]["channel"], apps[may][0]["status"]) == ("city_system", "registered")
    assert apps[also_may][0]["township_code"] == "341702100"

    again = await follow_up(intake, "2024-06")
    assert again.status_code == 200 and again.json()["opened"] == []
    later = await follow_up(intake, "2024-07")
    assert [len(await applications_of(intake, p)) for p in (may, july)] == [1, 1]
    assert later.json()["opened"] == [
        str((await applications_of(intake, july))[0]["application_id"])
    ]

    app_id = apps[may][0]["application_id"]
    got = await intake.application_events(
        ApplicationSubmitted | ApplicationRegistered, app_id, count=2
    )
    submitted, registered = (e for e, _ in got)
    assert (
        isinstance(registered, ApplicationRegistered) and submitted.channel.value == "city_system"
    )
    assert (registered.registered_by, registered.display_name) == (
        "system-follow-up",
        "姓名*待核实",
    )
    assert registered.version == 2 and registered.township_code == "341702100"


async def full_id(intake: Any, created: dict[str, Any]) -> str:
    return str((await person_row(intake, created["person_id"]))["id_number"])


async def test_the_follow_up_is_for_admins_and_months_that_have_begun(intake: Any) -> None:
    officer = {"roles": ["township_officer"], "division": "341702100"}
    assert (await follow_up(intake, "2024-06", **officer)).status_code == 403
    bad = await follow_up(intake, "2024-6")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_month"
    future = await follow_up(intake, "2999-01")
    assert future.status_code == 422 and future.json()["code"] == "month_in_future"
