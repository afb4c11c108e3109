"""Review against a real broker and database: queue, approval, rejection and refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from contracts.review import ApplicationRejected, RecipientApproved

pytestmark = pytest.mark.integration

OTHER_TOWNSHIP = "341702101"


async def queue_ids(review: Any, **params: Any) -> list[str]:
    got = await review.client.get(
        "/review-queue", params={"size": 100, **params}, headers=review.auth()
    )
    assert got.status_code == 200, got.text
    return [c["application_id"] for c in got.json()["items"]]


async def recipients_of(review: Any, person_id: Any, **auth: str) -> list[dict[str, Any]]:
    got = await review.client.get(
        "/recipients",
        params={"village_code": "341702100201", "size": 100},
        headers=review.auth(**auth),
    )
    assert got.status_code == 200, got.text
    return [r for r in got.json()["items"] if r["person_id"] == str(person_id)]


async def test_an_approved_case_becomes_an_active_recipient_announced_on_kafka(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    case = await review.file(s, s.catalogue(), s.registered(), s.completed(), s.passed())
    assert str(s.application_id) in await queue_ids(review, village_code=s.village_code)
    assert case["preliminary"] == "passed" and case["flagged"] is False
    assert case["findings"]["self_care_level"] == "moderate"
    assert case["findings"]["care_needs"][0]["item_codes"] == ["LC-03"]
    assert case["preliminary_review"]["recommended_item_codes"] == ["LC-03", "CL-01"]
    assert (
        case["village_name_zh"] == "池州市贵池区殷汇镇示例一村"
        and case["status_zh"] == "待审核确认"
    )

    decided = await review.decide(s.application_id, approval())
    assert decided.status_code == 201, decided.text
    recipient_id = decided.json()["recipient_id"]
    assert decided.json()["decision"] == "approved"

    event = await review.decision_event(s.application_id)
    assert isinstance(event, RecipientApproved)
    assert str(event.recipient_id) == recipient_id and event.person_id == s.person_id
    assert event.version == 1 and event.category.value == "dibao"
    assert (event.township_code, event.village_code) == ("341702100", "341702100201")
    assert [
        (i.item_code, i.frequency.times, i.frequency.per.value) for i in event.approved_items
    ] == [
        ("LC-03", 1, "day"),
        ("CL-01", 2, "month"),
    ]
    assert event.approved_items[0].funding_source.value == "home_elderly_care"
    assert str(event.effective_date) == "2024-06-01" and event.catalogue_version == 1

    got = await review.client.get(f"/recipients/{recipient_id}", headers=review.auth())
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["status"], body["status_version"], body["status_zh"]) == ("active", 1, "在册")
    assert [i["item_code"] for i in body["items"]] == ["CL-01", "LC-03"]
    assert len(await recipients_of(review, s.person_id)) == 1
    after = (await review.case(s.application_id)).json()
    assert after["status"] == "approved" and after["need_assessment"]["notes"] == "独居，行动不便"
    assert str(s.application_id) not in await queue_ids(review)


async def test_a_dibao_marginal_case_without_a_condition_is_not_eligible(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story(category="dibao_marginal")
    await review.file(s, s.catalogue(), s.registered(), s.completed(), s.passed())
    refused = await review.decide(s.application_id, approval())
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "not_eligible" and "低保边缘家庭" in problem["title"]
    assert problem["errors"][0]["field"] == "body.special_conditions"
    assert await recipients_of(review, s.person_id) == []
    assert (await review.case(s.application_id)).json()["status"] == "awaiting_decision"


async def test_an_officer_of_another_township_sees_and_changes_nothing(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    await review.file(s, s.catalogue(), s.registered(), s.passed())
    other = review.auth(division=OTHER_TOWNSHIP)

    assert (await review.case(s.application_id, division=OTHER_TOWNSHIP)).status_code == 403
    tried = await review.decide(s.application_id, approval(), division=OTHER_TOWNSHIP)
    assert tried.status_code == 403 and tried.json()["code"] == "outside_jurisdiction"
    filtered = await review.client.get(
        "/review-queue", params={"village_code": s.village_code}, headers=other
    )
    assert filtered.status_code == 403
    own = await review.client.get("/review-queue", params={"size": 100}, headers=other)
    assert own.status_code == 200 and own.json()["total"] == 0

    approved = await review.decide(s.application_id, approval())
    assert approved.status_code == 201, approved.text
    recipient_id = approved.json()["recipient_id"]
    assert (
        await review.client.get(f"/recipients/{recipient_id}", headers=other)
    ).status_code == 403
    theirs = await review.client.get("/recipients", params={"size": 100}, headers=other)
    assert theirs.status_code == 200 and theirs.json()["items"] == []


async def test_a_rejection_is_announced_and_leaves_no_recipient(
    review: Any, story: Callable[..., Any]
) -> None:
    s = story()
    case = await review.file(s, s.registered(), s.completed(), s.failed())
    assert case["flagged"] is True and case["preliminary_review"]["reason_zh"] == "未见重病证明"
    assert str(s.application_id) in await queue_ids(review, preliminary="failed")
    assert str(s.application_id) not in await queue_ids(review, preliminary="passed")

    body = {
        "decision": "reject",
        "reason_code": "special_condition_missing",
        "reason_zh": "未提供重病证明",
    }
    decided = await review.decide(s.application_id, body)
    assert decided.status_code == 201, decided.text
    assert decided.json()["decision"] == "rejected" and decided.json()["recipient_id"] is None
    event = await review.decision_event(s.application_id)
    assert isinstance(event, ApplicationRejected)
    assert event.reason_code.value == "special_condition_missing" and event.person_id == s.person_id
    assert (await review.case(s.application_id)).json()["status"] == "rejected"
    assert await recipients_of(review, s.person_id) == []


async def test_deciding_twice_is_a_conflict(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    await review.file(s, s.catalogue(), s.registered(), s.passed())
    first = await review.decide(s.application_id, approval())
    assert first.status_code == 201, first.text
    again = await review.decide(
        s.application_id, {"decision": "reject", "reason_code": "other", "reason_zh": "重复"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"
    assert again.json()["extra"]["recipient_id"] == first.json()["recipient_id"]
    assert (await review.case(s.application_id)).json()["status"] == "approved"


async def test_deciding_before_the_preliminary_review_is_a_conflict(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    case = await review.file(
        s, s.catalogue(), s.registered(), s.completed(), status="awaiting_survey", having="findings"
    )
    assert case["findings"] is not None and case["preliminary_review"] is None
    refused = await review.decide(s.application_id, approval())
    assert refused.status_code == 409 and refused.json()["code"] == "preliminary_review_pending"
    assert await recipients_of(review, s.person_id) == []


async def test_a_retried_decision_with_the_same_key_gets_the_first_answer(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    await review.file(s, s.catalogue(), s.registered(), s.passed())
    first = await review.decide(
        s.application_id, approval(), **{"Idempotency-Key": "k-" + str(s.application_id)}
    )
    retry = await review.decide(
        s.application_id, approval(), **{"Idempotency-Key": "k-" + str(s.application_id)}
    )
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert len(await recipients_of(review, s.person_id)) == 1
    reused = await review.decide(
        s.application_id,
        approval(effective_date="2024-07-01"),
        **{"Idempotency-Key": "k-" + str(s.application_id)},
    )
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


async def test_a_withdrawn_application_leaves_the_queue_and_cannot_be_decided(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    await review.file(
        s, s.catalogue(), s.registered(), s.passed(), s.withdrawn(), status="withdrawn"
    )
    assert str(s.application_id) not in await queue_ids(review)
    assert str(s.application_id) in await queue_ids(review, status="withdrawn")
    refused = await review.decide(s.application_id, approval())
    assert refused.status_code == 409 and refused.json()["code"] == "application_withdrawn"


async def test_the_registry_finds_recipients_by_the_beginning_of_their_masked_name(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    named = {"鲜于*琼": story(), "鲜于*琪": story(), "宇文*拓": story()}
    for display_name, s in named.items():
        await review.file(
            s, s.catalogue(), s.registered(display_name=display_name), s.completed(), s.passed()
        )
        assert (await review.decide(s.application_id, approval())).status_code == 201

    async def found(name: str, **auth: str) -> set[str]:
        got = await review.client.get(
            "/recipients", params={"name": name, "size": 100}, headers=review.auth(**auth)
        )
        assert got.status_code == 200, got.text
        return {r["display_name"] for r in got.json()["items"]}

    assert await found("鲜于") == {"鲜于*琼", "鲜于*琪"}
    assert await found("鲜于小琪") == {"鲜于*琪"}  # the masked character fits any typed one
    assert await found("宇文") == {"宇文*拓"}
    assert await found("鲜于", division=OTHER_TOWNSHIP) == set()  # only in one's jurisdiction
    too_long = await review.client.get(
        "/recipients", params={"name": "鲜" * 21}, headers=review.auth()
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "string_too_long"
