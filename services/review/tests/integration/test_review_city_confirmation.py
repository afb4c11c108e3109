"""Issue 13: a city report that ends services waits for the township's officer, unless the
county turns that off; other statuses apply at once (real broker and database)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from civic.messaging_tables import processed_event
from contracts.intake import CityStatusResolved
from contracts.samples import sample
from review.orm import city_report, recipient_status_history

pytestmark = pytest.mark.integration

TOWNSHIP, OTHER_TOWNSHIP = "341702100", "341702101"
#: 石台县仁里镇: a county of its own, so turning its confirmation off touches no other test.
QUIET_VILLAGE = "341722100201"


async def admitted(review: Any, story: Any, catalogue: Any, approval: Any, village: str) -> Any:
    """A recipient approved by the village's township officer."""
    s = story(village_code=village)
    await review.publish(catalogue(village[:6]), s.registered(), s.completed(), s.passed())
    await review.ready_case(s.application_id, division=s.township_code)
    decided = await review.decide(s.application_id, approval(), division=s.township_code)
    assert decided.status_code == 201, decided.text
    s.recipient_id = uuid.UUID(decided.json()["recipient_id"])
    return s


def city_report_of(s: Any, status: str, day: str = "2024-07-01") -> CityStatusResolved:
    """What intake publishes for one city report; a fresh event id every time."""
    case_id = f"CZ-{s.person_id.hex[:8]}"
    return sample(
        CityStatusResolved,
        person_id=s.person_id,
        case_id=case_id,
        external_reference=f"{case_id}:{status}:{day}",
        status=status,
        category="dibao",
        effective_date=date.fromisoformat(day),
        city_reason_code="SW01" if status == "deceased" else "TB01",
        reason_zh="市救助系统报告",
        county_code=s.village_code[:6],
        township_code=s.township_code,
        village_code=s.village_code,
    )


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


async def decide(review: Any, report_id: str, verb: str, **kw: Any) -> Any:
    who = kw.pop("who", {})
    return await review.client.post(
        f"/city-reports/{report_id}/{verb}", headers=review.auth(**who), **kw
    )


async def recipient(review: Any, s: Any) -> dict[str, Any]:
    headers = review.auth(division=s.township_code)
    got = await review.client.get(f"/recipients/{s.recipient_id}", headers=headers)
    body: dict[str, Any] = got.json()
    return body


async def history(review: Any, s: Any) -> list[tuple[Any, ...]]:
    h = recipient_status_history.c
    async with review.engine.connect() as conn:
        rows = await conn.execute(
            select(h.version, h.status, h.source, h.decided_by)
            .where(h.recipient_id == s.recipient_id)
            .order_by(h.version)
        )
        return [tuple(r) for r in rows]


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
    review: Any, story: Callable[..., Any], catalogue: Any, approval: Any
) -> None:
    s = await admitted(review, story, catalogue, approval, "341702100201")
    stop = city_report_of(s, "stopped")
    await review.publish(stop, city_report_of(s, "stopped"))  # and its resend
    pending = await held_for(review, s)
    assert (pending["status"], pending["status_zh"], pending["state_zh"]) == (
        "stopped",
        "停止",
        "待确认",
    )
    assert pending["external_reference"] == stop.external_reference
    assert pending["display_name"] == "张*三" and pending["village_name_zh"].endswith("示例一村")
    assert (await recipient(review, s))["status"] == "active"

    confirmed = await decide(review, pending["report_id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["state"] == "confirmed"
    assert confirmed.json()["decided_by"] == "u-township_officer-341702100"
    state = await recipient(review, s)
    assert (state["status"], state["status_version"]) == ("stopped", 2)
    [(event, _)] = [e for e in await review.status_events(s.recipient_id, 2) if e[0].version == 2]
    assert (event.source.value, event.decided_by) == ("city_system", "u-township_officer-341702100")

    again = await decide(review, pending["report_id"], "confirm")
    assert again.status_code == 409 and again.json()["code"] == "city_report_decided"
    resent = city_report_of(s, "stopped")
    await review.publish(resent)
    await review.until(lambda: handled(review, resent))
    assert await history(review, s) == [
        (1, "active", "review_officer", "u-township_officer-341702100"),
        (2, "stopped", "city_system", "u-township_officer-341702100"),
    ]
    assert await rows_of(review, stop.external_reference) == ["confirmed"]
    done = await held_for(review, s, state="confirmed")
    assert done["report_id"] == pending["report_id"]


async def test_a_rejected_report_changes_nothing_and_the_decision_is_kept(
    review: Any, story: Callable[..., Any], catalogue: Any, approval: Any
) -> None:
    s = await admitted(review, story, catalogue, approval, "341702100202")
    death = city_report_of(s, "deceased", "2024-07-05")
    await review.publish(death)
    pending = await held_for(review, s)
    empty = await decide(review, pending["report_id"], "reject", json={"reason_zh": ""})
    assert empty.status_code == 422
    leaky = {"reason_zh": "本人电话13812345678"}
    refused = await decide(review, pending["report_id"], "reject", json=leaky)
    assert refused.status_code == 422 and refused.json()["code"] == "personal_data_in_reason"

    reason = {"reason_zh": "经入户核实，本人健在"}
    rejected = await decide(review, pending["report_id"], "reject", json=reason)
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["state"], body["state_zh"], body["decision_note"]) == (
        "rejected",
        "不予采纳",
        "经入户核实，本人健在",
    )
    assert (await decide(review, pending["report_id"], "confirm")).status_code == 409
    assert (await decide(review, pending["report_id"], "reject", json=reason)).status_code == 409

    resent = city_report_of(s, "deceased", "2024-07-05")
    await review.publish(resent)
    await review.until(lambda: handled(review, resent))
    state = await recipient(review, s)
    assert (state["status"], state["status_version"]) == ("active", 1)
    assert await rows_of(review, death.external_reference) == ["rejected"]
    assert (await held_for(review, s, state="rejected"))["decided_by"] == (
        "u-township_officer-341702100"
    )


async def test_another_townships_officer_can_neither_see_nor_decide_it(
    review: Any, story: Callable[..., Any], catalogue: Any, approval: Any
) -> None:
    s = await admitted(review, story, catalogue, approval, "341702100201")
    await review.publish(city_report_of(s, "stopped"))
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
        got = await decide(review, report_id, verb, who=elsewhere, **kw)
        assert got.status_code == 403 and got.json()["code"] == "outside_jurisdiction"
    county = {"role": "county_officer", "division": "341702"}
    assert (await decide(review, report_id, "confirm", who=county)).status_code == 403
    village = {"role": "village_staff", "division": s.village_code}
    listed = await review.client.get(
        f"/townships/{TOWNSHIP}/city-reports", headers=review.auth(**village)
    )
    assert listed.status_code == 403 and listed.json()["code"] == "role_forbidden"
    missing = await decide(review, str(uuid.uuid4()), "confirm")
    assert missing.status_code == 404 and missing.json()["code"] == "city_report_not_found"
    assert (await recipient(review, s))["status"] == "active"
    assert (await held_for(review, s))["state"] == "pending"


async def test_a_county_that_turns_confirmation_off_gets_the_citys_stop_at_once(
    review: Any, story: Callable[..., Any], catalogue: Any, approval: Any
) -> None:
    s = await admitted(review, story, catalogue, approval, QUIET_VILLAGE)
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

    stop = city_report_of(s, "stopped")
    await review.publish(stop)
    [(event, _)] = [e for e in await review.status_events(s.recipient_id, 2) if e[0].version == 2]
    assert (event.status.value, event.source.value, event.decided_by) == (
        "stopped",
        "city_system",
        None,
    )
    assert await rows_of(review, stop.external_reference) == []
    assert (await queue(review, s.township_code)).json()["total"] == 0
