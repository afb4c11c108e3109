"""Issue 22: `make demo` loads a county through the public APIs, and a second run finds it all
and creates nothing (counted from the services' own answers, not only the demo's tally)."""

from __future__ import annotations

import time

import pytest

from devstack import demo
from devstack.demo_people import villages
from devstack.journeys.api import Api
from devstack.stack import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

COUNTY = "341702"


async def counts(stack: Stack) -> dict[str, int]:
    """Applications and providers as intake and dispatch list them for the demo's villages."""
    api = Api(stack)
    found: dict[str, int] = {"applications": 0}
    for village in villages(COUNTY):
        token = api.token(roles=["township_officer"], division=village[:9], user_id="t-demo")
        got = await api.call(
            "intake", "GET", f"/applications?village_code={village}&size=1", token=token
        )
        assert got.status_code == 200, got.text
        found["applications"] += got.json()["total"]
    county = api.token(roles=["county_officer"], division=COUNTY, user_id="t-demo")
    got = await api.call("dispatch", "GET", "/providers?size=1", token=county)
    if got.status_code == 200 and isinstance(got.json(), dict):
        found["providers"] = got.json().get("total", 0)
    return found


async def test_demo_loads_a_county_and_a_second_run_creates_nothing(e2e_stack: Stack) -> None:
    started = time.monotonic()
    first = await demo.run(e2e_stack, applicants_count=20, county=COUNTY)
    print(demo.report(first, e2e_stack, COUNTY))
    print(f"first run {time.monotonic() - started:.1f} s")
    assert first.created["applications"] + first.found["applications"] == 20
    assert first.created["providers"] + first.found["providers"] == 3 * 8
    # Meals and cleaning providers of each township bill this month (confirmed next month).
    assert first.created["statements"] + first.found["statements"] == 3 * 2
    assert first.created["stops"] + first.found["stops"] == 1
    assert first.created["complaints"] + first.found["complaints"] == 1
    before = await counts(e2e_stack)

    started = time.monotonic()
    again = await demo.run(e2e_stack, applicants_count=20, county=COUNTY)
    print(demo.report(again, e2e_stack, COUNTY))
    print(f"second run {time.monotonic() - started:.1f} s")
    assert sum(again.created.values()) == 0, dict(again.created)
    assert await counts(e2e_stack) == before
    assert again.found["applications"] == 20
    assert (
        again.found["service records"]
        == first.created["service records"] + first.found["service records"]
    )
