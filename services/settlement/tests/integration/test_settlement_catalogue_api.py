"""The county's fee standard through the API: versions add, the fee in force on the day bills."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from civic import clock
from contracts.enums import FeeUnit
from settlement.domain.catalogue import demo_items

pytestmark = pytest.mark.integration


def items(**fees: int) -> list[dict[str, Any]]:
    out = []
    for item in demo_items():
        row = item.model_dump(mode="json") | {"is_example": False}
        row["fee_fen"] = fees.get(item.item_code.replace("-", "_"), item.fee_fen)
        out.append(row)
    return out


async def test_settlement_a_county_publishes_a_version_and_the_day_decides_the_fee(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]], scenario: Callable[..., Any]
) -> None:
    county = "341722"
    officer = auth("county_officer", county)
    tomorrow = clock.today() + timedelta(days=1)
    body = {"effective_from": tomorrow.isoformat(), "items": items(CL_01=5500)}
    assert (
        await client.post(
            f"/catalogue/{county}/versions",
            json=body,
            headers=auth("township_officer", "341722100"),
        )
    ).status_code == 403
    assert (
        await client.post(
            f"/catalogue/{county}/versions", json=body, headers=auth("county_officer", "341702")
        )
    ).status_code == 403
    past = {**body, "effective_from": (clock.today() - timedelta(days=1)).isoformat()}
    refused = await client.post(f"/catalogue/{county}/versions", json=past, headers=officer)
    assert (refused.status_code, refused.json()["code"]) == (422, "effective_from_in_past")
    twice = {**body, "items": body["items"] + body["items"][:1]}
    assert (await client.post(f"/catalogue/{county}/versions", json=twice, headers=officer)).json()[
        "code"
    ] == "duplicate_item_code"

    created = await client.post(f"/catalogue/{county}/versions", json=body, headers=officer)
    assert created.status_code == 201, created.text
    version = created.json()["version"]
    assert version >= 2 and created.json()["is_example"] is False

    today_view = (
        await client.get(
            f"/catalogue/{county}", params={"on": clock.today().isoformat()}, headers=officer
        )
    ).json()
    tomorrow_view = (
        await client.get(
            f"/catalogue/{county}", params={"on": tomorrow.isoformat()}, headers=officer
        )
    ).json()
    assert today_view["version"] < version == tomorrow_view["version"]
    fee = {i["item_code"]: i["fee_fen"] for i in tomorrow_view["items"]}
    assert fee["CL-01"] == 5500
    versions = (await client.get(f"/catalogue/{county}/versions", headers=officer)).json()
    assert [v["version"] for v in versions][-1] == 1  # version 1 is still there, unchanged

    world = scenario("341722101")
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    await world.deliver(order, clock.today())
    await world.deliver(order, tomorrow)
    by_day = {x.service_date: (x.unit_fee_fen, x.catalogue_version) for x in await world.lines()}
    assert by_day[tomorrow] == (5500, version)
    assert (
        by_day[clock.today()][0]
        == {i["item_code"]: i["fee_fen"] for i in today_view["items"]}["CL-01"]
    )
