"""Steps of the application-to-recipient path as the front-line apps perform them."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from civic import clock
from devstack.journeys.api import Api
from devstack.journeys.db import fetch, wait_until
from devstack.stack import Stack

VILLAGE, TOWNSHIP, COUNTY = "341702100201", "341702100", "341702"
STAFF, COORD, OFFICER = "e2e-village-staff", "e2e-coordinator", "e2e-officer"


def resident_id(birth: str | None = None) -> str:
    """A fresh, checksum-valid Guichi resident ID number (fictitious) of someone over 60.

    The birth day is drawn too: with only the 3-digit sequence random, two journeys of one
    run would share a number (and the second be refused as a duplicate) every few runs."""
    if birth is None:
        day = date(1940, 1, 1) + timedelta(days=uuid.uuid4().int % 7300)  # born 1940-1959
        birth = day.strftime("%Y%m%d")
    body = f"341702{birth}{uuid.uuid4().int % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


_SURNAMES = itertools.cycle("王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹")


def _next_name() -> str:
    # Boards show only the surname, so each journey in a run gets its own surname.
    return f"{next(_SURNAMES)}桂英"


@dataclass
class Case:
    """One person's journey, carrying the trace the apps attach to every step."""

    stack: Stack
    trace_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    application_id: str = ""
    person_id: str = ""
    survey_id: str = ""
    id_number: str = field(default_factory=resident_id)
    name: str = field(default_factory=_next_name)
    village: str = VILLAGE

    @property
    def township(self) -> str:
        """The township (first 9 digits) of the case's village."""
        return self.village[:9]

    @property
    def masked_name(self) -> str:
        """How the notice board shows the name (the county's default style)."""
        return self.name[0] + "*" * (len(self.name) - 1)

    @property
    def api(self) -> Api:
        return Api(self.stack)

    def headers(self, **more: str) -> dict[str, str]:
        """The case's trace context on a new parent span, as an app would send it."""
        return {"traceparent": f"00-{self.trace_id}-{uuid.uuid4().hex[:16]}-01", **more}

    def token(self, role: str, division: str | None = None, user: str = "e2e-user") -> str:
        return self.api.token(roles=[role], division=division, user_id=user)


async def catalogue_loaded(stack: Stack, service: str, county: str = COUNTY) -> None:
    """Waits until ``service`` holds a catalogue in force today for ``county``.

    Settlement publishes every county's catalogue; another county's arriving first is not
    enough for an application from this one.
    """

    async def check() -> bool:
        rows = await fetch(
            stack.database_url(service),
            "select count(*) as n from catalogue_version"
            " where county_code = $1 and effective_from <= $2",
            county,
            clock.today(),
        )
        return bool(rows[0]["n"])

    await wait_until(check, timeout=60)


def application_body(case: Case, **changes: Any) -> dict[str, Any]:
    return {
        "channel": "wechat",
        "applicant": {"name": case.name, "id_number": case.id_number, "phone": "13805661234"},
        "household": {"members": []},
        "category": "tekun",
        "special_conditions": ["semi_disabled_elder"],
        "requested_item_codes": ["LC-03", "CL-01"],
        "consent_to_data_use": True,
        "village_code": case.village,
        **changes,
    }


async def submit(case: Case, **changes: Any) -> Any:
    """The WeChat app submits; returns the response."""
    token = case.token("applicant_app", user=f"wx-{case.trace_id[:8]}")
    response = await case.api.call(
        "intake",
        "POST",
        "/applications",
        token=token,
        json=application_body(case, **changes),
        headers=case.headers(**{"Idempotency-Key": case.trace_id}),
    )
    if response.status_code == 201:
        case.application_id = response.json()["application_id"]
        case.person_id = response.json().get("person_id", "")
    return response


async def register(case: Case) -> Any:
    """The township officer registers and classifies the application."""
    body = {
        "category": "tekun",
        "special_conditions": ["semi_disabled_elder"],
        "requested_item_codes": ["LC-03", "CL-01"],
        "need_categories": ["life_care", "cleaning"],
    }
    return await case.api.call(
        "intake",
        "POST",
        f"/applications/{case.application_id}/registration",
        token=case.token("township_officer", case.township, OFFICER),
        json=body,
        headers=case.headers(),
    )


async def survey_task(case: Case) -> dict[str, Any]:
    """Waits for survey to open the task for the case's application."""
    token = case.token("village_staff", case.village, STAFF)

    async def check() -> dict[str, Any] | None:
        got = await case.api.call(
            "survey", "GET", f"/survey-tasks?village_code={case.village}&size=100", token=token
        )
        tasks = [t for t in got.json()["items"] if t["application_id"] == case.application_id]
        return tasks[0] if tasks else None

    task: dict[str, Any] = await wait_until(check, timeout=30)
    case.survey_id = task["survey_id"]
    return task


async def survey_and_pass(case: Case) -> None:
    """The two-person team visits, uploads findings and passes the preliminary review."""
    staff = case.token("village_staff", case.village, STAFF)
    coord = case.token("coordinator", case.village, COORD)
    sid = case.survey_id
    team = await case.api.call(
        "survey",
        "PUT",
        f"/survey-tasks/{sid}/team",
        token=staff,
        json={"village_staff_id": STAFF, "coordinator_id": COORD},
        headers=case.headers(),
    )
    assert team.status_code == 200, team.text
    findings = {
        "visited_at": (clock.now() - timedelta(days=1)).isoformat(),
        "location": {"latitude": 30.66, "longitude": 117.49},
        "living_situation": {"lives_alone": True, "has_caregiver": False},
        "self_care_level": "moderate",
        "confirmed_conditions": ["semi_disabled_elder"],
        "care_needs": [
            {"service_category": "life_care", "item_codes": ["LC-03"]},
            {"service_category": "cleaning", "item_codes": ["CL-01"]},
        ],
        "household_members": [{"name": case.name, "relation": "本人", "id_number": case.id_number}],
        "identity_verified": True,
        "photo_refs": [],
        "confirmed_by": [STAFF, COORD],
    }
    up = await case.api.call(
        "survey",
        "PUT",
        f"/survey-tasks/{sid}/findings/{uuid.uuid4()}",
        token=coord,
        json=findings,
        headers=case.headers(),
    )
    assert up.status_code == 200, up.text
    passed = await case.api.call(
        "survey",
        "POST",
        f"/survey-tasks/{sid}/preliminary-review",
        token=staff,
        headers=case.headers(),
        json={
            "outcome": "passed",
            "recommended_category": "tekun",
            "recommended_conditions": ["semi_disabled_elder"],
            "recommended_item_codes": ["LC-03", "CL-01"],
            "recommended_service_categories": ["life_care", "cleaning"],
            "recommended_modes": ["government_purchase"],
        },
    )
    assert passed.status_code == 201, passed.text


async def decide(case: Case, body: dict[str, Any]) -> Any:
    """The township officer decides once the case is ready in the queue."""
    token = case.token("township_officer", case.township, OFFICER)

    async def ready() -> bool:
        got = await case.api.call(
            "review", "GET", f"/review-queue/{case.application_id}", token=token
        )
        return got.status_code == 200 and got.json().get("preliminary") == "passed"

    await wait_until(ready, timeout=30)
    return await case.api.call(
        "review",
        "POST",
        f"/applications/{case.application_id}/decision",
        token=token,
        json=body,
        headers=case.headers(),
    )


async def approved(case: Case, effective: date | None = None) -> str:
    """The whole way from a WeChat application to a recipient; returns the recipient id."""
    submitted = await submit(case)
    assert submitted.status_code == 201, submitted.text
    registered = await register(case)
    assert registered.status_code == 200, registered.text
    await survey_task(case)
    await survey_and_pass(case)
    decided = await decide(case, approval(effective))
    assert decided.status_code == 201, decided.text
    recipient_id: str = decided.json()["recipient_id"]
    return recipient_id


def approval(effective: date | None = None) -> dict[str, Any]:
    """The township approves both items from ``effective`` (default: today in Chizhou)."""
    return {**_APPROVAL, "effective_date": (effective or clock.today()).isoformat()}


_APPROVAL = {
    "decision": "approve",
    "need_assessment": {
        "self_care_level": "moderate",
        "need_categories": ["life_care", "cleaning"],
    },
    "items": [
        {
            "item_code": "LC-03",
            "mode": "government_purchase",
            "frequency": {"times": 1, "per": "day"},
            "funding_source": "home_elderly_care",
        },
        {
            "item_code": "CL-01",
            "mode": "government_purchase",
            "frequency": {"times": 2, "per": "month"},
            "funding_source": "tekun_care",
        },
    ],
}
