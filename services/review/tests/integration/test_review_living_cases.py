"""Issue 20 against a real broker and database: a recipient's services changed (proposed,
approved or refused, the county for institutional care) and emergency care (救急难) opened at
once, confirmed by the township's approval or ended once by its deadline."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from civic import clock
from civic.db import make_sessionmaker
from civic.uow import UnitOfWork
from contracts import topics
from contracts.review import (
    RecipientApproved,
    RecipientServicesChanged,
    RecipientStatusChanged,
)
from review.handlers import end_due_emergencies

pytestmark = pytest.mark.integration

TOWNSHIP = "341702100"
ITEM = {"frequency": {"times": 2, "per": "week"}, "funding_source": "other_service_aid"}


def today() -> str:
    """Today in Chizhou: a change applies from today on."""
    return clock.today().isoformat()


def change_body(*changes: dict[str, Any], **more: Any) -> dict[str, Any]:
    """A proposal of ``changes`` from today, because the needs changed."""
    return {
        "changes": list(changes),
        "reason_code": "needs_changed",
        "reason_zh": "行动能力下降",
        "effective_date": today(),
        **more,
    }


def added(code: str, mode: str = "government_purchase", **more: Any) -> dict[str, Any]:
    return {"action": "add", "item_code": code, "mode": mode, **ITEM, **more}


async def propose(review: Any, s: Any, body: dict[str, Any], **who: str) -> Any:
    """POST /recipients/{id}/service-changes as the village's staff (or ``who``)."""
    auth = review.auth(**(who or {"role": "village_staff", "division": s.village_code}))
    return await review.client.post(
        f"/recipients/{s.recipient_id}/service-changes", json=body, headers=auth
    )


async def decide(review: Any, change_id: str, body: dict[str, Any], **who: str) -> Any:
    """POST /service-changes/{id}/decision as the township's officer (or ``who``)."""
    return await review.client.post(
        f"/service-changes/{change_id}/decision", json=body, headers=review.auth(**who)
    )


async def services_events(review: Any, recipient_id: Any, version: int) -> list[Any]:
    """The recipient's RecipientServicesChanged, read until ``version`` shows."""
    found = await review._read(
        topics.REVIEW_RECIPIENT_STATUS,
        keep=lambda e: isinstance(e, RecipientServicesChanged) and e.recipient_id == recipient_id,
        enough=lambda got: any(e.services_version >= version for e, _ in got),
    )
    return [event for event, _ in found]


async def test_an_approved_change_is_announced_once_with_its_diff(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()  # LC-03 daily and CL-01 twice a month
    body = change_body(
        added("HC-01", provider_code="p-health-1"),
        {"action": "remove", "item_code": "CL-01"},
        {"action": "change", "item_code": "LC-03", "frequency": {"times": 2, "per": "day"}},
        self_care_level="severe",
        note_zh="近期跌倒，需健康护理",
    )
    filed = await propose(review, s, body)
    assert filed.status_code == 201, filed.text
    change = filed.json()
    assert (change["state"], change["source"], change["county_decides"]) == (
        "pending",
        "village_staff",
        False,
    )
    decided = await decide(review, change["change_id"], {"decision": "approve"})
    assert decided.status_code == 200, decided.text
    assert (decided.json()["state"], decided.json()["services_version"]) == ("approved", 2)

    [event] = await services_events(review, s.recipient_id, 2)
    assert (event.change_id, event.services_version) == (uuid.UUID(change["change_id"]), 2)
    assert [i.item_code for i in event.approved_items] == ["HC-01", "LC-03"]
    assert (event.added_item_codes, event.removed_item_codes, event.changed_item_codes) == (
        ("HC-01",),
        ("CL-01",),
        ("LC-03",),
    )
    assert [(p.item_code, p.provider_code) for p in event.item_providers] == [
        ("HC-01", "p-health-1")
    ]
    assert (event.source.value, event.decided_by, event.ends_temporary_care) == (
        "village_staff",
        "u-township_officer-341702100",
        False,
    )
    got = await review.recipient(s)
    assert got["services_version"] == 2 and got["self_care_level"] == "severe"
    assert [i["item_code"] for i in got["items"]] == ["HC-01", "LC-03"]
    again = await decide(review, change["change_id"], {"decision": "approve"})
    assert again.status_code == 409 and again.json()["code"] == "change_already_decided"


async def test_a_refusal_is_kept_for_the_requester_and_announces_nothing(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    first = (await propose(review, s, change_body(added("HC-01")))).json()
    refused = await decide(
        review, first["change_id"], {"decision": "refuse", "reason_zh": "现有服务已能满足需求"}
    )
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    staff = review.auth(role="village_staff", division=s.village_code)
    seen = await review.client.get(f"/service-changes/{first['change_id']}", headers=staff)
    assert (seen.json()["state_zh"], seen.json()["refusal_zh"]) == (
        "不予同意",
        "现有服务已能满足需求",
    )
    own = change_body(added("CB-01"), reason_code="recipient_request", for_recipient=True)
    second = (await propose(review, s, own)).json()
    assert second["source"] == "recipient"
    assert (await decide(review, second["change_id"], {"decision": "approve"})).status_code == 200
    # The refused request bumped nothing: the approved one is version 2, and the only event.
    [event] = await services_events(review, s.recipient_id, 2)
    assert event.change_id == uuid.UUID(second["change_id"]) and event.added_item_codes == (
        "CB-01",
    )


async def test_institutional_care_is_approved_by_the_county(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    body = change_body(added("IC-01", mode="institutional_care"))
    change = (await propose(review, s, body, role="township_officer", division=TOWNSHIP)).json()
    assert change["county_decides"] and change["source"] == "township"
    township = await decide(review, change["change_id"], {"decision": "approve"})
    assert township.status_code == 403 and township.json()["code"] == "county_decides"
    county = await decide(
        review,
        change["change_id"],
        {"decision": "approve"},
        role="county_officer",
        division="341702",
    )
    assert county.status_code == 200, county.text
    [event] = await services_events(review, s.recipient_id, 2)
    assert event.added_item_codes == ("IC-01",) and event.decided_by == "u-county_officer-341702"


async def test_bad_input_is_refused_and_changes_nothing(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    remove = {"action": "remove", "item_code": "CL-01"}
    for body, status, code in (
        (change_body(added("LC-03")), 409, "item_already_approved"),
        (change_body({"action": "remove", "item_code": "HC-01"}), 409, "item_not_approved"),
        (change_body(remove, {"action": "remove", "item_code": "LC-03"}), 422, "no_items_left"),
        (change_body(remove, effective_date="2024-07-01"), 422, "effective_in_past"),
        (change_body(added("ZZ-99")), 422, "unknown_item"),
        (change_body(remove, reason_code="emergency_confirmed"), 422, "reason_reserved"),
    ):
        refused = await propose(review, s, body)
        assert (refused.status_code, refused.json()["code"]) == (status, code), refused.text
    elsewhere = await propose(review, s, change_body(remove), division="341702101")
    assert elsewhere.status_code == 403
    officer = review.auth()
    listed = await review.client.get(
        "/service-changes", params={"recipient_id": str(s.recipient_id)}, headers=officer
    )
    assert listed.json()["total"] == 0
    assert (await review.recipient(s))["services_version"] == 1


async def _open(review: Any, s: Any, **more: Any) -> Any:
    """POST /emergencies on a story's application as the township's coordinator."""
    body = {
        "application_id": str(s.application_id),
        "items": [{"item_code": "LC-03", "mode": "government_purchase", **ITEM}],
        "reason_zh": "独居老人突发疾病，家中无人照料",
        **more,
    }
    return await review.client.post(
        "/emergencies", json=body, headers=review.auth(role="coordinator", division=TOWNSHIP)
    )


async def _registered(review: Any, story: Callable[..., Any]) -> Any:
    s = story()
    await review.file(s, s.catalogue(), s.registered(), status="awaiting_survey")
    return s


async def test_an_emergency_opens_at_once_and_the_approval_confirms_it(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = await _registered(review, story)
    opened = await _open(review, s, days=7, medical_institution_needed=True)
    assert opened.status_code == 201, opened.text
    recipient_id = uuid.UUID(opened.json()["recipient_id"])
    approved = await review.decision_event(s.application_id)
    assert isinstance(approved, RecipientApproved) and approved.recipient_id == recipient_id
    assert (approved.route.value, approved.medical_institution_needed) == ("emergency", True)
    assert approved.temporary_until == clock.today() + timedelta(days=7)
    assert approved.approved_by == "u-coordinator-341702100"

    await review.file(s, s.completed(), s.passed())
    decided = await review.decide(s.application_id, approval())
    assert decided.status_code == 201, decided.text
    assert decided.json()["recipient_id"] == str(recipient_id)
    [event] = await services_events(review, recipient_id, 2)
    assert (event.reason_code.value, event.source.value, event.ends_temporary_care) == (
        "emergency_confirmed",
        "review",
        True,
    )
    assert (event.added_item_codes, event.changed_item_codes) == (("CL-01",), ("LC-03",))
    listed = await review.client.get(
        "/emergencies", params={"state": "confirmed", "size": 100}, headers=review.auth()
    )
    assert str(recipient_id) in [e["recipient_id"] for e in listed.json()["items"]]


async def test_an_unconfirmed_emergency_is_ended_once_by_the_job(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = await _registered(review, story)
    opened = await _open(review, s, days=1)
    recipient_id = uuid.UUID(opened.json()["recipient_id"])
    uow = lambda: UnitOfWork(make_sessionmaker(review.engine))  # noqa: E731
    later = clock.now() + timedelta(days=2)
    ended = [await end_due_emergencies(uow=uow(), now=later) for _ in range(2)]
    assert ended[1] == 0 and ended[0] >= 1  # earlier tests' emergencies may end here too

    stops = await review._read(
        topics.REVIEW_RECIPIENT_STATUS,
        keep=lambda e: isinstance(e, RecipientStatusChanged) and e.recipient_id == recipient_id,
        enough=bool,
    )
    [(stop, _)] = stops
    assert (stop.status.value, stop.reason_code.value, stop.reason_zh, stop.decided_by) == (
        "stopped",
        "other",
        "临时救助期满未经审核确认",
        None,
    )
    assert await review.history(recipient_id) == [
        (1, "active", "review_officer"),
        (2, "stopped", "review_officer"),
    ]
    got = await review.client.get(f"/emergencies/{recipient_id}", headers=review.auth())
    assert (got.json()["state"], got.json()["end_reason"]) == ("ended", "临时救助期满未经审核确认")
    await review.file(s, s.completed(), s.passed())
    late = await review.decide(s.application_id, approval())
    assert late.status_code == 409 and late.json()["code"] == "emergency_ended"


async def test_institutional_care_in_an_emergency_needs_consent(
    review: Any, story: Callable[..., Any]
) -> None:
    s = await _registered(review, story)
    care = [{"item_code": "IC-01", "mode": "institutional_care", **ITEM}]
    refused = await _open(review, s, items=care)
    assert refused.status_code == 422 and refused.json()["code"] == "consent_required"
    mine = {"state": "open", "size": 100}
    listed = await review.client.get("/emergencies", params=mine, headers=review.auth())
    assert str(s.application_id) not in [e["application_id"] for e in listed.json()["items"]]
    given = (clock.now() - timedelta(hours=1)).isoformat()
    consent = {"method": "guardian_signature", "given_at": given}
    opened = await _open(review, s, items=care, consent=consent)
    assert opened.status_code == 201, opened.text
    kept = opened.json()["consent"]
    assert (kept["method_zh"], kept["recorded_by"]) == ("监护人书面签字", "u-coordinator-341702100")


async def test_a_rejection_at_review_ends_the_emergency_at_once(
    review: Any, story: Callable[..., Any]
) -> None:
    s = await _registered(review, story)
    recipient_id = uuid.UUID((await _open(review, s)).json()["recipient_id"])
    await review.file(s, s.completed(), s.passed())
    no = {"decision": "reject", "reason_code": "no_service_need", "reason_zh": "经调查无服务需求"}
    assert (await review.decide(s.application_id, no)).status_code == 201
    [(stop, _)] = await review._read(
        topics.REVIEW_RECIPIENT_STATUS,
        keep=lambda e: isinstance(e, RecipientStatusChanged) and e.recipient_id == recipient_id,
        enough=bool,
    )
    assert (stop.status.value, stop.decided_by) == ("stopped", "u-township_officer-341702100")
    got = await review.client.get(f"/emergencies/{recipient_id}", headers=review.auth())
    assert got.json()["state"] == "ended"
