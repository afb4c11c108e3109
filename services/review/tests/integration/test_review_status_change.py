"""Status changes against a real broker and database: the officer's PATCH and the city's report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from civic.db import make_sessionmaker
from civic.uow import UnitOfWork
from contracts.review import RecipientStatusChanged
from review.handlers.recipients import end_due_suspensions

pytestmark = pytest.mark.integration

OTHER_TOWNSHIP = "341702101"
STOP = {
    "status": "stopped",
    "effective_date": "2024-07-01",
    "reason_code": "assistance_stopped",
    "reason_zh": "家庭收入超过标准",
}


async def patch(review: Any, recipient_id: Any, body: dict[str, Any], **auth: Any) -> Any:
    headers = {**review.auth(**auth.pop("who", {})), **auth}
    return await review.client.patch(
        f"/recipients/{recipient_id}/status", json=body, headers=headers
    )


async def test_an_officer_stops_aid_and_every_service_is_told_once(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    stopped = await patch(review, s.recipient_id, STOP)
    assert stopped.status_code == 200, stopped.text
    body = stopped.json()
    assert (body["status"], body["status_version"], body["status_zh"]) == ("stopped", 2, "停止")

    [(event, key)] = await review.status_events(s.recipient_id, until_version=2)
    assert isinstance(event, RecipientStatusChanged)
    assert key == str(s.person_id).encode() and event.person_id == s.person_id
    assert (event.version, event.status.value, event.previous_status.value) == (
        2,
        "stopped",
        "active",
    )
    assert event.source.value == "review_officer"
    assert event.decided_by == "u-township_officer-341702100"
    assert (event.reason_code.value, str(event.effective_date)) == (
        "assistance_stopped",
        STOP["effective_date"],
    )

    again = await patch(review, s.recipient_id, {**STOP, "status": "deceased"})
    assert again.status_code == 409 and again.json()["code"] == "recipient_status_final"
    assert await review.history(s.recipient_id) == [
        (1, "active", "review_officer"),
        (2, "stopped", "review_officer"),
    ]


async def test_only_the_recipients_township_or_county_changes_its_status(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    elsewhere = await patch(review, s.recipient_id, STOP, who={"division": OTHER_TOWNSHIP})
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "outside_jurisdiction"
    village = await patch(
        review, s.recipient_id, STOP, who={"role": "village_staff", "division": s.village_code}
    )
    assert village.status_code == 403 and village.json()["code"] == "role_forbidden"
    suspend = {
        "status": "suspended",
        "effective_date": "2024-07-01",
        "reason_code": "entered_institution",
        "expected_end": "2024-08-01",
    }
    county = await patch(
        review, s.recipient_id, suspend, who={"role": "county_officer", "division": "341702"}
    )
    assert county.status_code == 200, county.text
    assert (county.json()["status_version"], county.json()["expected_end"]) == (2, "2024-08-01")


async def test_dates_before_admission_or_the_last_change_are_refused(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()  # admitted on 2024-06-01
    early = await patch(review, s.recipient_id, {**STOP, "effective_date": "2024-05-31"})
    assert early.status_code == 422 and early.json()["code"] == "effective_before_admission"
    assert early.json()["errors"][0]["field"] == "body.effective_date"
    moved = {
        "status": "category_changed",
        "effective_date": "2024-07-10",
        "reason_code": "category_reassessed",
        "new_category": "tekun",
    }
    assert (await patch(review, s.recipient_id, moved)).status_code == 200
    stale = await patch(review, s.recipient_id, {**STOP, "effective_date": "2024-07-09"})
    assert stale.status_code == 422 and stale.json()["code"] == "effective_before_last_change"
    assert [v for v, _, _ in await review.history(s.recipient_id)] == [1, 2]


async def test_a_retried_change_with_the_same_key_gets_the_first_answer(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    key = {"Idempotency-Key": f"stop-{s.recipient_id}"}
    first = await patch(review, s.recipient_id, STOP, **key)
    retry = await patch(review, s.recipient_id, STOP, **key)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json() and retry.json()["status_version"] == 2
    other = await patch(review, s.recipient_id, {**STOP, "reason_code": "other"}, **key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert [v for v, _, _ in await review.history(s.recipient_id)] == [1, 2]


async def test_the_city_systems_report_changes_the_status_once(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    suspended = s.city_report("suspended", "2024-07-01")
    resent = s.city_report("suspended", "2024-07-01")
    assert resent.event_id != suspended.event_id
    stale = s.city_report("resumed", "2024-06-20")
    later = s.city_report("resumed", "2024-08-01")
    # One person's events share a partition: when the resumption shows, the others were handled.
    # (A stop or death would wait for the township's officer: test_review_city_confirmation.)
    await review.publish(suspended, resent, stale, later)

    seen = await review.status_events(s.recipient_id, until_version=3)
    assert [(e.version, e.status.value) for e, _ in seen] == [(2, "suspended"), (3, "resumed")]
    first = seen[0][0]
    assert first.source.value == "city_system" and first.decided_by is None
    assert first.reason_code.value == "other" and "TB01" in first.reason_zh
    assert seen[0][1] == str(s.person_id).encode()
    assert await review.history(s.recipient_id) == [
        (1, "active", "review_officer"),
        (2, "suspended", "city_system"),
        (3, "resumed", "city_system"),
    ]
    got = await review.recipient(s)
    assert (got["status"], got["status_version"]) == ("resumed", 3)


async def test_a_suspension_ends_by_itself_on_its_expected_day_and_only_once(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted()
    suspend = {
        "status": "suspended",
        "effective_date": "2024-09-01",
        "reason_code": "entered_institution",
        "expected_end": "2024-09-20",
    }
    assert (await patch(review, s.recipient_id, suspend)).status_code == 200
    uow = lambda: UnitOfWork(make_sessionmaker(review.engine))  # noqa: E731

    await end_due_suspensions(uow=uow(), today=date(2024, 9, 19))
    assert [v for v, _, _ in await review.history(s.recipient_id)] == [1, 2]
    await end_due_suspensions(uow=uow(), today=date(2024, 9, 20))
    await end_due_suspensions(uow=uow(), today=date(2024, 9, 21))  # a later tick: nothing twice
    assert await review.history(s.recipient_id) == [
        (1, "active", "review_officer"),
        (2, "suspended", "review_officer"),
        (3, "resumed", "review_officer"),
    ]

    seen = await review.status_events(s.recipient_id, until_version=3)
    resumed = [e for e, _ in seen if e.version == 3]
    assert len(resumed) == 1 and isinstance(resumed[0], RecipientStatusChanged)
    assert (resumed[0].effective_date, resumed[0].decided_by) == (
        date(2024, 9, 20),
        "review:suspension-expiry",
    )
    got = await review.recipient(s)
    assert (got["status"], got["expected_end"]) == ("resumed", None)
