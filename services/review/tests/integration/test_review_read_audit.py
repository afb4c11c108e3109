"""Issue 16: every review route that answers with a person's data leaves a line saying who
read whose data, found by person and by user through ``/audit/reads``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from civic import clock
from devstack.read_audit import AuditedCall, check_reads

pytestmark = pytest.mark.integration

#: 青阳县木镇镇: a township no other review test uses, so its lists hold only this test's people.
VILLAGE = "341723101201"
TOWNSHIP = VILLAGE[:9]
#: So early that the case heads the queue, which lists the oldest registration first.
LONG_AGO = datetime(2001, 3, 5, 9, 0, tzinfo=UTC)
STOP = {"status": "stopped", "effective_date": "2024-07-01", "reason_code": "assistance_stopped"}


def _as(review: Any, role: str, division: str = TOWNSHIP) -> tuple[str, dict[str, str]]:
    """A fresh user with one role, and the header that carries its token."""
    user_id = f"reader-{uuid.uuid4().hex[:8]}"
    token = review.mint(user_id=user_id, roles=[role], division=division)
    return user_id, {"Authorization": f"Bearer {token}"}


def _auditor(review: Any) -> dict[str, str]:
    token = review.mint(user_id="auditor-1", roles=["auditor"], division="341700")
    return {"Authorization": f"Bearer {token}"}


async def _undecided(review: Any, story: Callable[..., Any]) -> Any:
    """A case awaiting the township's decision, registered long ago."""
    s = story(village_code=VILLAGE, registered_at=LONG_AGO)
    await review.file(
        s, s.catalogue(), s.registered(), s.completed(), s.passed(), division=TOWNSHIP
    )
    return s


async def _held(review: Any, s: Any, status: str, day: str) -> str:
    """Publishes the city's stop or death of a recipient; the id of its pending report."""
    await review.publish(s.city_report(status, day))
    headers = review.auth(division=TOWNSHIP)

    async def probe() -> str | None:
        got = await review.client.get(f"/townships/{TOWNSHIP}/city-reports", headers=headers)
        mine = [r for r in got.json()["items"] if r["recipient_id"] == str(s.recipient_id)]
        return mine[0]["report_id"] if mine else None

    report_id: str = await review.until(probe)
    return report_id


def _case_calls(review: Any, case: Any, approval: dict[str, Any]) -> dict[str, AuditedCall]:
    officer_id, officer = _as(review, "township_officer")
    client, person, app_id = review.client, case.person_id, case.application_id
    queue = {"village_code": VILLAGE, "size": 100}
    return {
        "GET /review-queue": AuditedCall(
            lambda: client.get("/review-queue", params=queue, headers=officer), officer_id, person
        ),
        "GET /review-queue/{application_id}": AuditedCall(
            lambda: client.get(f"/review-queue/{app_id}", headers=officer), officer_id, person
        ),
        "POST /applications/{application_id}/decision": AuditedCall(
            lambda: client.post(f"/applications/{app_id}/decision", json=approval, headers=officer),
            officer_id,
            person,
        ),
        "GET /audit/reads": AuditedCall(
            lambda: client.get(
                "/audit/reads", params={"person_id": person}, headers=_auditor(review)
            ),
            "auditor-1",
            person,
        ),
    }


def _recipient_calls(review: Any, s: Any) -> dict[str, AuditedCall]:
    staff_id, staff = _as(review, "village_staff", VILLAGE)
    officer_id, officer = _as(review, "township_officer")
    client, path = review.client, f"/recipients/{s.recipient_id}"
    listed = {"village_code": VILLAGE, "status": "active", "size": 100}
    return {
        "GET /recipients": AuditedCall(
            lambda: client.get("/recipients", params=listed, headers=staff), staff_id, s.person_id
        ),
        "GET /recipients/{recipient_id}": AuditedCall(
            lambda: client.get(path, headers=staff), staff_id, s.person_id
        ),
        "PATCH /recipients/{recipient_id}/status": AuditedCall(
            lambda: client.patch(f"{path}/status", json=STOP, headers=officer),
            officer_id,
            s.person_id,
        ),
    }


async def _city_calls(review: Any, admitted: Callable[..., Any]) -> dict[str, AuditedCall]:
    stopped, died = await admitted(VILLAGE), await admitted(VILLAGE)
    stop_id = await _held(review, stopped, "stopped", "2024-07-01")
    death_id = await _held(review, died, "deceased", "2024-07-05")
    officer_id, officer = _as(review, "township_officer")
    client, queue = review.client, f"/townships/{TOWNSHIP}/city-reports"
    reason = {"reason_zh": "经入户核实，本人健在"}
    return {
        "GET /townships/{township_code}/city-reports": AuditedCall(
            lambda: client.get(queue, headers=officer), officer_id, stopped.person_id
        ),
        "POST /city-reports/{report_id}/confirm": AuditedCall(
            lambda: client.post(f"/city-reports/{stop_id}/confirm", headers=officer),
            officer_id,
            stopped.person_id,
        ),
        "POST /city-reports/{report_id}/reject": AuditedCall(
            lambda: client.post(f"/city-reports/{death_id}/reject", json=reason, headers=officer),
            officer_id,
            died.person_id,
        ),
    }


def _change(day: str, code: str) -> dict[str, Any]:
    """A proposal adding one item from ``day``."""
    item = {"action": "add", "item_code": code, "mode": "government_purchase"}
    terms = {"frequency": {"times": 1, "per": "week"}, "funding_source": "other_service_aid"}
    return {"changes": [{**item, **terms}], "reason_code": "needs_changed", "effective_date": day}


async def _change_calls(review: Any, s: Any) -> dict[str, AuditedCall]:
    """Issue 20: a change proposed and decided, the queue and one request."""
    staff_id, staff = _as(review, "village_staff", VILLAGE)
    officer_id, officer = _as(review, "township_officer")
    client, day = review.client, clock.today().isoformat()
    path = f"/recipients/{s.recipient_id}/service-changes"
    held = await client.post(path, json=_change(day, "HC-01"), headers=staff)
    change_id = held.json()["change_id"]
    listed = {"village_code": VILLAGE, "size": 100}
    return {
        "POST /recipients/{recipient_id}/service-changes": AuditedCall(
            lambda: client.post(path, json=_change(day, "CB-01"), headers=staff),
            staff_id,
            s.person_id,
        ),
        "GET /service-changes": AuditedCall(
            lambda: client.get("/service-changes", params=listed, headers=officer),
            officer_id,
            s.person_id,
        ),
        "GET /service-changes/{change_id}": AuditedCall(
            lambda: client.get(f"/service-changes/{change_id}", headers=staff),
            staff_id,
            s.person_id,
        ),
        "POST /service-changes/{change_id}/decision": AuditedCall(
            lambda: client.post(
                f"/service-changes/{change_id}/decision",
                json={"decision": "approve"},
                headers=officer,
            ),
            officer_id,
            s.person_id,
        ),
    }


async def _emergency_calls(review: Any, story: Callable[..., Any]) -> dict[str, AuditedCall]:
    """Issue 20: emergency care opened, the township's queue and one emergency."""
    first, second = story(village_code=VILLAGE), story(village_code=VILLAGE)
    for s in (first, second):
        await review.file(s, s.registered(), division=TOWNSHIP, status="awaiting_survey")
    coordinator_id, coordinator = _as(review, "coordinator")
    officer_id, officer = _as(review, "township_officer")
    item = {"item_code": "LC-03", "mode": "government_purchase"}
    terms = {"frequency": {"times": 1, "per": "day"}, "funding_source": "home_elderly_care"}

    def body(s: Any) -> dict[str, Any]:
        return {"application_id": str(s.application_id), "items": [{**item, **terms}]}

    client = review.client
    opened = await client.post("/emergencies", json=body(first), headers=coordinator)
    recipient_id = opened.json()["recipient_id"]
    return {
        "POST /emergencies": AuditedCall(
            lambda: client.post("/emergencies", json=body(second), headers=coordinator),
            coordinator_id,
            second.person_id,
        ),
        "GET /emergencies": AuditedCall(
            lambda: client.get("/emergencies", params={"size": 100}, headers=officer),
            officer_id,
            first.person_id,
        ),
        "GET /emergencies/{recipient_id}": AuditedCall(
            lambda: client.get(f"/emergencies/{recipient_id}", headers=officer),
            officer_id,
            first.person_id,
        ),
    }


async def test_every_route_that_reads_personal_data_leaves_a_line(
    review: Any, story: Callable[..., Any], admitted: Callable[..., Any], approval: Any
) -> None:
    case = await _undecided(review, story)
    calls = {
        **_case_calls(review, case, approval()),
        **_recipient_calls(review, await admitted(VILLAGE)),
        **await _city_calls(review, admitted),
        **await _change_calls(review, await admitted(VILLAGE)),
        **await _emergency_calls(review, story),
    }
    assert await check_reads(review.client, calls, auditor=_auditor(review)) == []


async def test_a_stranger_cannot_ask_the_auditors_questions(review: Any) -> None:
    _, officer = _as(review, "township_officer")
    asked = await review.client.get("/audit/reads", params={"user_id": "anyone"}, headers=officer)
    assert asked.status_code == 403
