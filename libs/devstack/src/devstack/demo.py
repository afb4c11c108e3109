"""``make demo``: a realistic county loaded through the services' public APIs only.

A few hundred applicants across the villages of three townships, at every step of the flow;
providers of every mode; today's visits served and this month's statements issued (confirmed
by a run once the month has ended); one stop and one complaint. Everything is derived from a
seed and looked up before it is created, so a second run finds it all and creates nothing.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from civic import clock
from contracts import calendar
from devstack import demo_cases as cases
from devstack.demo_people import Applicant, Stage, applicants, townships, villages
from devstack.demo_steps import Demo, Tally, ensure_catalogue, ensure_providers
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
    gate = asyncio.Semaphore(_AT_ONCE)

    async def one(person: Applicant) -> tuple[Applicant, list[dict[str, Any]]]:
        async with gate:
            return person, await _advance(demo, person, existing)

    served = [p for p in await asyncio.gather(*(one(x) for x in people)) if p[1]]
    for township in towns:
        await _settle(demo, township, served)
    if served:
        # The first two served, whatever --applicants says: a bigger run stops nobody new.
        await _complaint(demo, *served[0])
        await _stop(demo, *served[min(1, len(served) - 1)])
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
    demo: Demo, person: Applicant, existing: dict[tuple[str, str], dict[str, Any]]
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
    if person.stage < Stage.SURVEYED or not await _reviewed(demo, person, app_id, status):
        return []
    orders = await cases.orders_of(demo, person, str(row["person_id"]))
    for order in orders:
        await cases.accept_and_serve(demo, person, order)
    return orders


#: Intake's statuses once the survey passed, and once the township decided.
_SURVEYED = frozenset({"preliminary_passed", "approved", "rejected"})
_DECIDED = frozenset({"approved", "rejected"})


async def _reviewed(demo: Demo, person: Applicant, app_id: str, status: str) -> bool:
    """Surveys and decides as the plan says (what intake shows done is only counted);
    whether the applicant goes on to be served."""
    if status in _SURVEYED:
        demo.tally.mark("surveys", new=False)
    else:
        await cases.survey(demo, person, app_id)
    if person.stage < Stage.REJECTED:
        return False
    if status in _DECIDED:
        demo.tally.mark("decisions", new=False)
    else:
        await cases.decide(demo, person, app_id)
    return person.stage is Stage.SERVED


async def _settle(
    demo: Demo, township: str, served: list[tuple[Applicant, list[dict[str, Any]]]]
) -> None:
    """Issues each served month's statements once the ledger holds its visits, and confirms
    those of a month that has ended (today's visits are confirmed by a run next month:
    dispatch starts orders on the day they are placed, and only an ended month confirms)."""
    orders = [o for p, mine in served if p.township == township for o in mine]
    this_month = calendar.month_of(clock.now())
    for month in sorted({str(o["start_date"])[:7] for o in orders}):
        of_month = [o for o in orders if str(o["start_date"]).startswith(month)]
        statements = await _issued(demo, township, month, of_month)
        if month < this_month:
            await _confirm(demo, township, statements)


async def _issued(
    demo: Demo, township: str, month: str, orders: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Runs the month until its statements hold every visit of ``orders`` (two each)."""
    token = demo.officer(township)
    ours = {o["provider_code"] for o in orders}
    changed: set[str] = set()

    async def complete() -> list[dict[str, Any]] | None:
        run = await demo.send("settlement", "POST", f"/settlements/{township}/{month}/run", token)
        changed.update(str(x) for x in run["changed"])
        mine = [s for s in run["statements"] if s["provider_code"] in ours]
        return mine if sum(s["line_count"] for s in mine) >= 2 * len(orders) else None

    statements: list[dict[str, Any]] = await wait_until(complete, timeout=90, every=1.0)
    for statement in statements:
        demo.tally.mark("statements", new=str(statement["statement_id"]) in changed)
    return statements


async def _confirm(demo: Demo, township: str, statements: list[dict[str, Any]]) -> None:
    """The township confirms the month's drafts (a confirmed one is found, not confirmed)."""
    for statement in statements:
        if statement["status"] != "draft":
            demo.tally.mark("statements confirmed", new=False)
            continue
        path = f"/statements/{statement['statement_id']}/confirm"
        await demo.send("settlement", "POST", path, demo.officer(township))
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
    """The township stops one recipient's aid from tomorrow (once): today's visits stay
    payable (a stop re-prices services from its effective date)."""
    token = demo.officer(person.township)
    recipient = str(orders[0]["recipient_id"])
    now = await demo.get("review", f"/recipients/{recipient}", token)
    if _code(now["status"]) == "stopped":
        demo.tally.mark("stops", new=False)
        return
    body = {
        "status": "stopped",
        "effective_date": (clock.today() + timedelta(days=1)).isoformat(),
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
