"""Issue 14: a city report that cannot apply lands on the township officer's queue with the
reason (never only a log line), and the city's reports apply in effective-date order whatever
order they arrive in (real broker and database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from contracts.intake import CityStatusResolved
from contracts.samples import sample

pytestmark = pytest.mark.integration

TOWNSHIP = "341702100"


async def admitted(review: Any, story: Any, catalogue: Any, approval: Any, village: str) -> Any:
    """A recipient approved by the village's township officer, effective 2024-06-01."""
    s = story(village_code=village)
    await review.publish(catalogue(village[:6]), s.registered(), s.completed(), s.passed())
    await review.ready_case(s.application_id, division=s.township_code)
    decided = await review.decide(s.application_id, approval(), division=s.township_code)
    assert decided.status_code == 201, decided.text
    s.recipient_id = uuid.UUID(decided.json()["recipient_id"])
    return s


def city(person_id: uuid.UUID, status: str, day: str, village: str) -> CityStatusResolved:
    """What intake publishes for one city report."""
    case_id = f"CZ-{person_id.hex[:8]}"
    return sample(
        CityStatusResolved,
        person_id=person_id,
        case_id=case_id,
        external_reference=f"{case_id}:{status}:{day}",
        status=status,
        category="dibao",
        effective_date=date.fromisoformat(day),
        city_reason_code="TB01",
        reason_zh="市救助系统报告",
        county_code=village[:6],
        township_code=village[:9],
        village_code=village,
    )


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


async def decide(review: Any, report_id: str, verb: str, **kw: Any) -> Any:
    return await review.client.post(
        f"/city-reports/{report_id}/{verb}", headers=review.auth(), **kw
    )


async def recipient(review: Any, s: Any) -> dict[str, Any]:
    got = await review.client.get(f"/recipients/{s.recipient_id}", headers=review.auth())
    body: dict[str, Any] = got.json()
    return body


async def test_a_report_the_history_refuses_waits_on_the_queue_until_its_turn_comes(
    review: Any, story: Callable[..., Any], catalogue: Any, approval: Any
) -> None:
    s = await admitted(review, story, catalogue, approval, "341702100201")
    # The city's resumption overtakes its suspension.
    await review.publish(city(s.person_id, "resumed", "2024-08-01", s.village_code))
    refused = await kept(review, s.person_id)
    assert (refused["state"], refused["state_zh"], refused["refusal_code"]) == (
        "refused",
        "与记录冲突，待处理",
        "transition_not_allowed",
    )
    assert refused["refusal_zh"] == "服务对象当前为“在册”，不能变更为“恢复”"
    assert (refused["recipient_id"], refused["display_name"]) == (str(s.recipient_id), "张*三")
    again = await decide(review, refused["report_id"], "confirm")  # try again: still refused
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    assert (await recipient(review, s))["status"] == "active"

    await review.publish(city(s.person_id, "suspended", "2024-07-01", s.village_code))
    seen = await review.status_events(s.recipient_id, until_version=3)
    assert [(e.version, e.status.value) for e, _ in seen] == [(2, "suspended"), (3, "resumed")]
    state = await recipient(review, s)
    assert (state["status"], state["status_version"]) == ("resumed", 3)
    applied = await kept(review, s.person_id, "applied")
    assert (applied["report_id"], applied["decided_by"]) == (
        refused["report_id"],
        "review:city-order",
    )


async def test_a_report_about_a_non_recipient_waits_and_the_officer_closes_it(
    review: Any,
) -> None:
    stranger = uuid.uuid4()
    await review.publish(city(stranger, "suspended", "2024-07-01", "341702100202"))
    waiting = await kept(review, stranger)
    assert (waiting["state"], waiting["refusal_code"], waiting["recipient_id"]) == (
        "no_recipient",
        "not_a_recipient",
        None,
    )
    assert waiting["display_name"] is None and waiting["village_code"] == "341702100202"
    assert waiting["refusal_zh"].startswith("该人员不是")
    tried = await decide(review, waiting["report_id"], "confirm")
    assert tried.status_code == 409 and tried.json()["code"] == "not_a_recipient"
    closed = await decide(
        review, waiting["report_id"], "reject", json={"reason_zh": "非本乡镇服务对象，已告知市局"}
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["state"] == "rejected"
    assert (await kept(review, stranger, "rejected"))["report_id"] == waiting["report_id"]
