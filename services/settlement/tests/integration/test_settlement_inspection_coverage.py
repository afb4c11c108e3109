"""Issue 19: spot-check coverage counts checks done, not records drawn; inspections count."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from contracts.enums import FeeUnit

pytestmark = pytest.mark.integration

COUNTY, TOWNSHIP, YEAR = "341721", "341721102", 2023  # 东至县, 2023: only this test serves there


async def test_settlement_a_county_with_nothing_checked_does_not_meet_30_percent(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario(TOWNSHIP)
    who = await world.approve(date(2023, 4, 1))
    order = await world.order(who, "CL-01", FeeUnit.VISIT, start_date=date(2023, 4, 1))
    served = [await world.deliver(order, date(2023, 5, 1) + timedelta(days=n)) for n in range(10)]
    officer = auth("county_officer", COUNTY)
    made = await client.post(
        f"/spot-checks/{COUNTY}/{YEAR}/draws", json={"seed": "issue-19"}, headers=officer
    )
    assert (made.status_code, made.json()["drawn"]) == (201, 3), made.text

    async def coverage() -> tuple[dict[str, Any], dict[str, Any]]:
        answer = await client.get(f"/spot-checks/{COUNTY}/{YEAR}/coverage", headers=officer)
        assert answer.status_code == 200, answer.text
        [mine] = [
            p for p in answer.json()["providers"] if p["provider_id"] == str(world.provider_id)
        ]
        return answer.json()["county"], mine

    county, mine = await coverage()
    figures = ("services", "drawn", "checked", "passed", "failed", "meets_minimum")
    assert [county[f] for f in figures] == [10, 3, 0, 0, 0, False]  # drawn is not checked
    assert [mine[f] for f in figures] == [10, 3, 0, 0, 0, False]
    assert (county["drawn_percent"], county["checked_percent"]) == (30.0, 0.0)

    listed = await client.get(f"/spot-checks/{COUNTY}/{YEAR}", headers=officer)
    drawn = [uuid.UUID(x["record_id"]) for x in listed.json()["items"]]
    [first] = [
        x["spot_check_id"] for x in listed.json()["items"] if x["record_id"] == str(drawn[0])
    ]
    failed = await client.post(
        f"/spot-checks/{first}/result", json={"outcome": "discrepancy"}, headers=officer
    )
    assert failed.status_code == 200, failed.text
    others = [x.record_id for x in served if x.record_id not in drawn]

    async def inspect(record_id: uuid.UUID, outcome: str) -> None:
        body = {
            "kind": "planned",
            "record_id": str(record_id),
            "outcome": outcome,
            "findings": "电话回访核实",
            "checked_on": "2023-06-01",
        }
        answer = await client.post("/inspections", json=body, headers=officer)
        assert (answer.status_code, answer.json()["supervision_level"]) == (201, "county")

    # The record the spot check failed is visited again (and found fine): counted once, failed.
    await inspect(drawn[0], "confirmed")
    county, _ = await coverage()
    assert [county[f] for f in figures] == [10, 3, 1, 0, 1, False]
    # Inspections of records never drawn count as checks done.
    await inspect(others[0], "confirmed")
    await inspect(others[1], "not_delivered")
    county, mine = await coverage()
    assert [county[f] for f in figures] == [10, 3, 3, 1, 2, True]
    assert (mine["checked_percent"], mine["pass_rate_percent"]) == (30.0, 33.3)
    reversed_ones = {x.record_id for x in await world.lines() if x.kind == "reversal"}
    assert reversed_ones == {drawn[0], others[1]}
