"""``make demo``: a realistic county loaded through the services' public APIs only.

A few hundred applicants across the villages of three townships, at every step of the flow;
providers of every mode; last month served, settled and its statements confirmed; one stop and
one complaint. Everything is derived from a seed and looked up before it is created, so a
second run finds it all and creates nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any

from civic import clock
from devstack import demo_cases as cases
from devstack.demo_people import Applicant, Stage, applicants, townships, villages
from devstack.demo_steps import Demo, Tally, ensure_catalogue, ensure_providers, month_before
from devstack.journeys.api import Api
from devstack.journeys.db import wait_until
from devstack.stack import Stack

#: Applicants moved along at once: enough to overlap the services' Kafka hops, few enough
#: to leave the two cores to the services.
_AT_ONCE = 8


async def run(stack: Stack, *, applicants_count: int = 300, county: str = "341702") -> Tally:
    """Loads (or finds) the demo county; returns what was created and what was found."""
    demo = Demo(Api(stack), county)
    places, towns = villages(county), townships(county)
    people = applicants(county, applicants_count)
    await ensure_catalogue(demo)
    await ensure_providers(demo, towns, places)
    existing = await _existing(demo, places)
    month_start, month = month_before(clock.today())
    gate = asyncio.Semaphore(_AT_ONCE)

    async def one(person: Applicant) -> tuple[Applicant, list[dict[str, Any]]]:
        async with gate:
            return person, await _advance(demo, person, existing, month_start)

    served = [p for p in await asyncio.gather(*(one(x) for x in people)) if p[1]]
    for township in towns:
        await _settle(demo, township, month, served)
    if served:
        await _complaint(demo, *served[0])
        await _stop(demo, *served[-1])
    return demo.tally


async def _existing(demo: Demo, places: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """The applications already in the demo's villages, by (village, masked ID number)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for village in places:
        path = f"/applications?village_code={village}"
        for row in await demo.pages("intake", path, demo.officer(village[:9])):
            found[(village, row["id_number_masked"])] = row
    return found


def _code(value: Any) -> str:
    return str(value["code"] if isinstance(value, dict) else value)


async def _advance(
    demo: Demo, person: Applicant, existing: dict[tuple[str, str], dict[str, Any]], start: Any
) -> list[dict[str, Any]]:
    """Takes one applicant as far as the plan says; returns the orders of a served one."""
    row = existing.get((person.village, cases.masked(person.id_number)))
    if row is None:
        row = await cases.submit(demo, person)
    else:
        demo.tally.mark("applications", new=False)
    app_id, status = str(row["application_id"]), _code(row["status"])
    if person.stage < Stage.REGISTERED:
        return []
    if status == "submitted":
        await cases.register(demo, person, app_id)
    else:
        demo.tally.mark("registrations", new=False)
    await cases.survey(demo, person, app_id)
    if person.stage < Stage.REJECTED:
        return []
    await cases.decide(demo, person, app_id, start)
    if person.stage is Stage.REJECTED:
        return []
    orders = await cases.orders_of(demo, person, str(row["person_id"]))
    for order in orders:
        await cases.accept_and_serve(demo, person, order)
    return orders


async def _settle(
    demo: Demo, township: str, month: str, served: list[tuple[Applicant, list[dict[str, Any]]]]
) -> None:
    """Runs last month's settlement once the ledger holds every visit, then confirms it."""
    token = demo.officer(township)
    ours = {o["provider_code"] for p, orders in served if p.township == township for o in orders}
    expected = 2 * sum(len(orders) for p, orders in served if p.township == township)

    async def complete() -> list[dict[str, Any]] | None:
        run = await demo.send("settlement", "POST", f"/settlements/{township}/{month}/run", token)
        mine = [s for s in run["statements"] if s["provider_code"] in ours]
        return mine if sum(s["line_count"] for s in mine) >= expected else None

    statements: list[dict[str, Any]] = await wait_until(complete, timeout=90, every=1.0)
    for statement in statements:
        if statement["status"] != "draft":
            demo.tally.mark("statements confirmed", new=False)
            continue
        path = f"/statements/{statement['statement_id']}/confirm"
        await demo.send("settlement", "POST", path, token)
        demo.tally.mark("statements confirmed", new=True)


async def _complaint(demo: Demo, person: Applicant, orders: list[dict[str, Any]]) -> None:
    """A relative calls the hotline: last month's cleaning was hurried (once)."""
    token = demo.officer(person.township)
    order = orders[0]
    queue = await demo.pages("dispatch", "/complaints", token)
    if any(str(c["person_id"]) == str(order["person_id"]) for c in queue):
        demo.tally.mark("complaints", new=False)
        return
    body = {
        "person_id": order["person_id"],
        "category": "quality",
        "description_zh": "家属来电反映上门服务时间偏短，希望改进",
        "order_id": order["order_id"],
    }
    await demo.send("dispatch", "POST", "/complaints", token, body)
    demo.tally.mark("complaints", new=True)


async def _stop(demo: Demo, person: Applicant, orders: list[dict[str, Any]]) -> None:
    """The township stops one recipient's aid from today (once)."""
    token = demo.officer(person.township)
    recipient = str(orders[0]["recipient_id"])
    now = await demo.get("review", f"/recipients/{recipient}", token)
    if _code(now["status"]) == "stopped":
        demo.tally.mark("stops", new=False)
        return
    body = {
        "status": "stopped",
        "effective_date": clock.today().isoformat(),
        "reason_code": "assistance_stopped",
        "reason_zh": "家庭收入超过低保标准",
    }
    await demo.send("review", "PATCH", f"/recipients/{recipient}/status", token, body)
    demo.tally.mark("stops", new=True)


def report(tally: Tally, stack: Stack, county: str = "341702") -> str:
    """What a run created and found, and where to look."""
    kinds = sorted(set(tally.created) | set(tally.found))
    width = max((len(k) for k in kinds), default=0)
    lines = [
        f"  {k.ljust(width)}  created {tally.created[k]:4d}  found {tally.found[k]:4d}"
        for k in kinds
    ]
    console, sign_in = stack.console_ports
    lines += [
        "",
        f"staff console: http://127.0.0.1:{console}",
        f"sign in at http://127.0.0.1:{sign_in}: role township_officer with a demo township ("
        + ", ".join(townships(county))
        + f"), or county_officer with {county} for the dashboards",
    ]
    return "\n".join(lines)
