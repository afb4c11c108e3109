"""Issue 14: a city report that cannot apply lands on the township officer's queue with the
reason (never only a log line), and the city's reports apply in effective-date order whatever
order they arrive in (real broker and database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.integration

TOWNSHIP = "341702100"


async def kept(review: Any, person_id: uuid.UUID, state: str | None = None) -> dict[str, Any]:
    """Waits until the person's report shows on the township's queue (awaiting, or ``state``)."""
    params: dict[str, Any] = {"size": 100} | ({"state": state} if state else {})

    async def probe() -> dict[str, Any] | None:
        got = await review.client.get(
            f"/townships/{TOWNSHIP}/city-reports", params=params, headers=review.auth()
        )
        assert got.status_code == 200, got.text
        mine = [r for r in got.json()["items"] if r["person_id"] == str(person_id)]
        return mine[0] if mine else None

    found: dict[str, Any] = await review.until(probe)
    return found


async def test_a_report_the_history_refuses_waits_on_the_queue_until_its_turn_comes(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted("341702100201")
    # The city's resumption overtakes its suspension.
    await review.publish(s.city_report("resumed", "2024-08-01"))
    refused = await kept(review, s.person_id)
    assert (refused["state"], refused["state_zh"], refused["refusal_code"]) == (
        "refused",
        "与记录冲突，待处理",
        "transition_not_allowed",
    )
    assert refused["refusal_zh"] == "服务对象当前为“在册”，不能变更为“恢复”"
    assert (refused["recipient_id"], refused["display_name"]) == (str(s.recipient_id), "张*三")
    # Trying again is refused again.
    again = await review.decide_city_report(refused["report_id"], "confirm")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert (await review.recipient(s))["status"] == "active"

    await review.publish(s.city_report("suspended", "2024-07-01"))
    seen = await review.status_events(s.recipient_id, until_version=3)
    assert [(e.version, e.status.value) for e, _ in seen] == [(2, "suspended"), (3, "resumed")]
    state = await review.recipient(s)
    assert (state["status"], state["status_version"]) == ("resumed", 3)
    applied = await kept(review, s.person_id, "applied")
    assert (applied["report_id"], applied["decided_by"]) == (
        refused["report_id"],
        "review:city-order",
    )


async def test_a_report_about_a_non_recipient_waits_and_the_officer_closes_it(
    review: Any, story: Callable[..., Any]
) -> None:
    stranger = story(village_code="341702100202")  # no application: never a recipient
    await review.publish(stranger.city_report("suspended", "2024-07-01"))
    waiting = await kept(review, stranger.person_id)
    assert (waiting["state"], waiting["refusal_code"], waiting["recipient_id"]) == (
        "no_recipient",
        "not_a_recipient",
        None,
    )
    assert waiting["display_name"] is None and waiting["village_code"] == "341702100202"
    assert waiting["refusal_zh"].startswith("该人员不是")
    tried = await review.decide_city_report(waiting["report_id"], "confirm")
    assert tried.status_code == 409 and tried.json()["code"] == "not_a_recipient"
    closed = await review.decide_city_report(
        waiting["report_id"], "reject", json={"reason_zh": "非本乡镇服务对象，已告知市局"}
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "rejected"
    assert (await kept(review, stranger.person_id, "rejected"))["report_id"] == waiting["report_id"]
