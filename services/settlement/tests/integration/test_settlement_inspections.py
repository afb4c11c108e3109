"""Issue 19: inspections at three levels against real PostgreSQL; a failed one reverses."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from contracts.enums import FeeUnit

pytestmark = pytest.mark.integration

TOWNSHIP = "341702105"  # 贵池区: a fresh provider per test, so its lines are ours alone
VILLAGE = TOWNSHIP + "201"
Auth = Callable[..., dict[str, str]]


def visit(**named: Any) -> dict[str, Any]:
    return {
        "kind": "unannounced",
        "outcome": "not_delivered",
        "findings": "入户核实：当日未上门服务",
        "checked_on": "2024-05-20",
        **{key: str(value) for key, value in named.items()},
    }


async def test_settlement_a_failed_inspection_reverses_the_billed_record_once(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    served = await world.deliver(order, date(2024, 5, 13))
    [charge] = await world.lines()
    officer = auth("township_officer", TOWNSHIP)
    body = visit(record_id=served.record_id, order_id=order.order_id)
    key = {"Idempotency-Key": f"visit-{uuid.uuid4().hex}"}

    made = await client.post("/inspections", json=body, headers={**officer, **key})

    assert made.status_code == 201, made.text
    found = made.json()
    assert (found["supervision_level"], found["village_code"]) == ("township", VILLAGE)
    assert (found["person_id"], found["provider_id"]) == (
        str(who.person_id),
        str(order.provider_id),
    )
    assert found["disallowed_fen"] == charge.amount_fen > 0
    lines = await world.lines()
    assert [(x.kind, x.amount_fen) for x in lines] == [
        ("charge", charge.amount_fen),
        ("reversal", -charge.amount_fen),
    ]
    row = await world.record(served.record_id)
    assert (row.billing_status, row.reason_code) == ("not_billable", "inspection_failed")
    assert lines[1].reason_zh == "检查督查未通过，不予支付"
    # A retry gets the first answer and reverses nothing more; the key on another visit: 409.
    again = await client.post("/inspections", json=body, headers={**officer, **key})
    assert (again.status_code, again.json()) == (201, found)
    assert len(await world.lines()) == 2
    other = await client.post(
        "/inspections", json={**body, "outcome": "confirmed"}, headers={**officer, **key}
    )
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    # Another failed visit of the same record: recorded, but nothing left to take out.
    second = await client.post("/inspections", json=body, headers=officer)
    assert (second.status_code, second.json()["disallowed_fen"]) == (201, 0)
    assert len(await world.lines()) == 2
    # The event names the finding's kind and the amount, never the inspector's notes.
    [(payload,)] = await world.sql(
        "select payload from outbox_message where event_type = 'settlement.InspectionRecorded'"
        " and key = :key",
        key=found["inspection_id"],
    )
    assert json.loads(payload)["disallowed_fen"] == charge.amount_fen
    assert "入户核实" not in payload


async def test_settlement_inspections_are_read_in_the_jurisdiction_with_their_notes(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve()
    await world.order(who, "CL-01", FeeUnit.VISIT)
    village = auth("village_staff", VILLAGE)
    made = await client.post(
        "/inspections",
        json={**visit(recipient_id=who.recipient_id), "outcome": "confirmed", "kind": "planned"},
        headers=village,
    )
    assert made.status_code == 201, made.text
    assert made.json()["supervision_level"] == "village"
    inspection = made.json()["inspection_id"]
    officer = auth("township_officer", TOWNSHIP)
    read = await client.get(f"/inspections/{inspection}", headers=officer)
    assert read.status_code == 200
    assert read.json()["findings"] == "入户核实：当日未上门服务"
    assert read.json()["outcome_zh"] == "核实无误"
    listed = await client.get(
        "/inspections",
        params={"level": "village", "month": "2024-05", "village_code": VILLAGE, "size": 100},
        headers=officer,
    )
    assert listed.status_code == 200
    items = {x["inspection_id"]: x for x in listed.json()["items"]}
    assert inspection in items and "findings" not in items[inspection]
    elsewhere = auth("township_officer", "341702106")
    assert (await client.get(f"/inspections/{inspection}", headers=elsewhere)).status_code == 403
    neighbours = auth("village_staff", TOWNSHIP + "202")
    assert (await client.get(f"/inspections/{inspection}", headers=neighbours)).status_code == 403
    in_other_village = await client.post(
        "/inspections", json=visit(recipient_id=who.recipient_id), headers=neighbours
    )
    assert (in_other_village.status_code, in_other_village.json()["code"]) == (
        403,
        "outside_own_village",
    )


async def test_settlement_a_bad_inspection_is_refused_and_changes_nothing(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    served = await world.deliver(order, date(2024, 5, 14))
    stranger = await world.approve()
    officer = auth("township_officer", TOWNSHIP)
    refusals = {
        "inspection_target_missing": visit(),
        "record_not_found": visit(record_id=uuid.uuid4()),
        "inspection_targets_disagree": visit(
            record_id=served.record_id, recipient_id=stranger.recipient_id
        ),
        "checked_on_in_future": {**visit(record_id=served.record_id), "checked_on": "2099-01-01"},
    }
    for code, body in refusals.items():
        answer = await client.post("/inspections", json=body, headers=officer)
        assert (answer.status_code, answer.json()["code"]) == (422, code), answer.text
    provider_only = visit(provider_id=world.provider_id)
    unknown_provider = await client.post("/inspections", json=provider_only, headers=officer)
    assert unknown_provider.json()["code"] == "provider_not_found"  # settlement has no such one
    outside = auth("township_officer", "341702106")
    answer = await client.post(
        "/inspections", json=visit(record_id=served.record_id), headers=outside
    )
    assert answer.status_code == 403
    auditor = auth("auditor", "341702")
    answer = await client.post(
        "/inspections", json=visit(record_id=served.record_id), headers=auditor
    )
    assert answer.status_code == 403
    assert [x.kind for x in await world.lines()] == ["charge"]
    count = "select count(*) from inspection where record_id = :record"
    assert await world.sql(count, record=served.record_id) == [(0,)]
