"""Issue 13: a city report that ends services waits for the township's officer, unless the
county turns that off; other statuses apply at once (real broker and database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from civic.messaging_tables import processed_event
from contracts.intake import CityStatusResolved
from review.orm import city_report

pytestmark = pytest.mark.integration

TOWNSHIP, OTHER_TOWNSHIP = "341702100", "341702101"
#: 石台县仁里镇: a county of its own, so turning its confirmation off touches no other test.
QUIET_VILLAGE = "341722100201"


async def queue(review: Any, township: str = TOWNSHIP, **params: Any) -> Any:
    headers = review.auth(division=township)
    query = {"size": 100, **params}
    return await review.client.get(
        f"/townships/{township}/city-reports", params=query, headers=headers
    )


async def held_for(review: Any, s: Any, state: str = "pending") -> dict[str, Any]:
    """Waits until the recipient's report shows on its township's queue in ``state``."""

    async def probe() -> dict[str, Any] | None:
        got = await queue(review, s.township_code, state=state)
        mine = [r for r in got.json()["items"] if r["recipient_id"] == str(s.recipient_id)]
        return mine[0] if mine else None

    found: dict[str, Any] = await review.until(probe)
    return found


async def handled(review: Any, event: CityStatusResolved) -> bool:
    """Whether review's consumer has processed this event (whatever it did with it)."""
    p = processed_event.c
    async with review.engine.connect() as conn:
        row = await conn.execute(
            select(p.event_id).where(p.consumer == "review", p.event_id == event.event_id)
        )
        return row.first() is not None


async def rows_of(review: Any, reference: str) -> list[str]:
    async with review.engine.connect() as conn:
        rows = await conn.execute(
            select(city_report.c.state).where(city_report.c.external_reference == reference)
        )
        return [r[0] for r in rows]


async def test_a_city_stop_waits_on_the_township_queue_and_one_confirmation_applies_it(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted("341702100201")
    stop = s.city_report("stopped")
    await review.publish(stop, s.city_report("stopped"))  # and its resend
    pending = await held_for(review, s)
    assert (pending["status"], pending["status_zh"], pending["state_zh"]) == (
        "stopped",
        "停止",
        "待确认",
    )
    assert pending["external_reference"] == stop.external_reference
    assert pending["display_name"] == "张*三" and pending["village_name_zh"].endswith("示例一村")
    assert (await review.recipient(s))["status"] == "active"

    confirmed = await review.decide_city_report(pending["report_id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["decided_by"] == "u-township_officer-341702100"
    state = await review.recipient(s)
    assert (state["status"], state["status_version"]) == ("stopped", 2)
    [(event, _)] = [e for e in await review.status_events(s.recipient_id, 2) if e[0].version == 2]
    assert (event.source.value, event.decided_by) == ("city_system", "u-township_officer-341702100")

    again = await review.decide_city_report(pending["report_id"], "confirm")
    assert again.status_code == 409 and again.json()["code"] == "city_report_decided"
    resent = s.city_report("stopped")
    await review.publish(resent)
    await review.until(lambda: handled(review, resent))
    assert await review.history(s.recipient_id, "decided_by") == [
        (1, "active", "review_officer", "u-township_officer-341702100"),
        (2, "stopped", "city_system", "u-township_officer-341702100"),
    ]
    assert await rows_of(review, stop.external_reference) == ["confirmed"]
    done = await held_for(review, s, state="confirmed")
    assert done["report_id"] == pending["report_id"]


async def test_a_rejected_report_changes_nothing_and_the_decision_is_kept(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted("341702100202")
    death = s.city_report("deceased", "2024-07-05")
    await review.publish(death)
    pending = await held_for(review, s)
    empty = await review.decide_city_report(pending["report_id"], "reject", json={"reason_zh": ""})
    assert empty.status_code == 422
    leaky = {"reason_zh": "本人电话13812345678"}
    refused = await review.decide_city_report(pending["report_id"], "reject", json=leaky)
    assert refused.status_code == 422 and refused.json()["code"] == "personal_data_in_reason"

    reason = {"reason_zh": "经入户核实，本人健在"}
    rejected = await review.decide_city_report(pending["report_id"], "reject", json=reason)
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["state"], body["state_zh"], body["decision_note"]) == (
        "rejected",
        "不予采纳",
        "经入户核实，本人健在",
    )
    assert (await review.decide_city_report(pending["report_id"], "confirm")).status_code == 409
    assert (
        await review.decide_city_report(pending["report_id"], "reject", json=reason)
    ).status_code == 409

    resent = s.city_report("deceased", "2024-07-05")
    await review.publish(resent)
    await review.until(lambda: handled(review, resent))
    state = await review.recipient(s)
    assert (state["status"], state["status_version"]) == ("active", 1)
    assert await rows_of(review, death.external_reference) == ["rejected"]
    assert (await held_for(review, s, state="rejected"))["decided_by"] == (
        "u-township_officer-341702100"
    )


async def test_another_townships_officer_can_neither_see_nor_decide_it(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted("341702100201")
    await review.publish(s.city_report("stopped"))
    pending = await held_for(review, s)
    report_id = pending["report_id"]

    elsewhere = {"division": OTHER_TOWNSHIP}
    peek = await review.client.get(
        f"/townships/{TOWNSHIP}/city-reports", headers=review.auth(**elsewhere)
    )
    assert peek.status_code == 403 and peek.json()["code"] == "outside_jurisdiction"
    own = await queue(review, OTHER_TOWNSHIP)
    assert report_id not in {r["report_id"] for r in own.json()["items"]}
    for verb, kw in (("confirm", {}), ("reject", {"json": {"reason_zh": "不是本乡镇"}})):
        got = await review.decide_city_report(report_id, verb, who=elsewhere, **kw)
        assert got.status_code == 403 and got.json()["code"] == "outside_jurisdiction"
    county = {"role": "county_officer", "division": "341702"}
    assert (await review.decide_city_report(report_id, "confirm", who=county)).status_code == 403
    village = {"role": "village_staff", "division": s.village_code}
    listed = await review.client.get(
        f"/townships/{TOWNSHIP}/city-reports", headers=review.auth(**village)
    )
    assert listed.status_code == 403 and listed.json()["code"] == "role_forbidden"
    missing = await review.decide_city_report(str(uuid.uuid4()), "confirm")
    assert missing.status_code == 404 and missing.json()["code"] == "city_report_not_found"
    assert (await review.recipient(s))["status"] == "active"
    assert (await held_for(review, s))["state"] == "pending"


async def test_a_county_that_turns_confirmation_off_gets_the_citys_stop_at_once(
    review: Any, admitted: Callable[..., Any]
) -> None:
    s = await admitted(QUIET_VILLAGE)
    county = {"role": "county_officer", "division": "341722"}
    path = "/counties/341722/settings"
    before = await review.client.get(path, headers=review.auth(**county))
    assert before.status_code == 200 and before.json()["confirm_city_stops"] is True
    assert before.json()["county_name_zh"] == "池州市石台县"

    off = {"confirm_city_stops": False}
    township = review.auth(division=s.township_code)
    assert (await review.client.put(path, json=off, headers=township)).status_code == 403
    other = review.auth(role="county_officer", division="341702")
    assert (await review.client.put(path, json=off, headers=other)).status_code == 403
    bad = await review.client.put(path, json={"confirm": False}, headers=review.auth(**county))
    assert bad.status_code == 422
    city = review.auth(role="county_officer", division="341700")
    not_county = await review.client.put("/counties/341700/settings", json=off, headers=city)
    assert not_county.status_code == 404 and not_county.json()["code"] == "unknown_county"

    changed = await review.client.put(path, json=off, headers=review.auth(**county))
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["confirm_city_stops"], body["updated_by"]) == (False, "u-county_officer-341722")
    assert body["confirm_city_stops_zh"] == "停保、死亡报告即时生效"

    stop = s.city_report("stopped")
    await review.publish(stop)
    [(event, _)] = [e for e in await review.status_events(s.recipient_id, 2) if e[0].version == 2]
    assert (event.status.value, event.source.value, event.decided_by) == (
        "stopped",
        "city_system",
        None,
    )
    assert await rows_of(review, stop.external_reference) == []
    assert (await queue(review, s.township_code)).json()["total"] == 0
