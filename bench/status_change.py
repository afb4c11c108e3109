"""How fast a stop reaches dispatch, settlement and archive, under a steady background load.

    .venv/bin/python -m bench.status_change [--recipients 20] [--changes 20]

Starts a private stack (Kafka, PostgreSQL, the six services), creates recipients through
the real application path, lets providers accept their orders, keeps submitting
applications and service records in the background, then stops each recipient's aid
one at a time. For each stop it measures the time from sending the officer's request to
the moment the last of the three effects is committed — dispatch's, settlement's and
archive's ``processed_event`` row for that RecipientStatusChanged, which each service
writes in the same transaction as its effect — polling every 5 ms. The raw aiokafka
produce → consume round trip is measured on the same broker in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time

import asyncpg

from bench.common import ms_row, private_stack, table
from bench.raw_kafka import round_trips
from civic import clock
from devstack.journeys import care
from devstack.journeys.application import VILLAGE, Case, approved, catalogue_loaded, submit
from devstack.stack import Stack

EFFECTS = ("dispatch", "settlement", "archive")


async def new_recipient(stack: Stack) -> tuple[Case, str]:
    """Drives one person from a WeChat application to an approved recipient."""
    case = Case(stack)
    return case, await approved(case)


async def accept_orders(case: Case, recipient_id: str) -> list[tuple[str, dict]]:
    """Both providers accept their order for the recipient."""
    accepted = []
    for provider in ("bench-meals", "bench-clean"):
        for order in await care.orders_of(case.api, provider, recipient_id):
            await care.accept(case.api, provider, order)
            accepted.append((provider, order))
    return accepted


async def background(
    stack: Stack, orders: list[tuple[str, dict]], stop: asyncio.Event, counts: dict[str, int]
) -> None:
    """Applications and service records at a steady pace until told to stop."""
    i = 0
    while not stop.is_set():
        i += 1
        if i % 2 == 0:
            response = await submit(Case(stack))
            counts["applications"] += response.status_code == 201
        provider, order = orders[i % len(orders)]
        recorded = await care.report_service(
            Case(stack).api, provider, order, minutes_ago=1 + (i % 600) // 10, worker=f"w{i}"
        )
        counts["records"] += recorded.status_code == 200
        await asyncio.sleep(0.1)


async def status_event_id(pool: asyncpg.Pool, recipient_id: str) -> str:
    """The event id of the recipient's RecipientStatusChanged, from review's outbox."""
    while True:
        row = await pool.fetchrow(
            "select event_id from outbox_message where event_type = 'review.RecipientStatusChanged'"
            " and payload like $1",
            f"%{recipient_id}%",
        )
        if row:
            return str(row["event_id"])
        await asyncio.sleep(0.002)


async def stop_and_time(case: Case, recipient_id: str, pools: dict[str, asyncpg.Pool]) -> float:
    """Stops one recipient's aid; seconds until all three effects are committed."""
    body = {
        "status": "stopped",
        "effective_date": clock.today().isoformat(),
        "reason_code": "assistance_stopped",
        "reason_zh": "家庭收入超过标准",
    }
    start = time.perf_counter()
    response = await care.change_status(case, recipient_id, body)
    assert response.status_code == 200, response.text
    event_id = await status_event_id(pools["review"], recipient_id)
    pending = set(EFFECTS)
    while pending:
        for service in list(pending):
            if await pools[service].fetchval(
                "select 1 from processed_event where event_id = $1::uuid", event_id
            ):
                pending.discard(service)
        if pending:
            await asyncio.sleep(0.005)
    return time.perf_counter() - start


async def run(recipients: int, changes: int) -> str:
    with private_stack() as stack:
        await catalogue_loaded(stack, "intake")
        await catalogue_loaded(stack, "review")
        api = Case(stack).api
        await care.register_provider(api, "bench-meals", ["LC-03"], VILLAGE)
        await care.register_provider(api, "bench-clean", ["CL-01"], VILLAGE)
        people = [await new_recipient(stack) for _ in range(recipients)]
        orders = [o for case, rid in people for o in await accept_orders(case, rid)]
        pools = {
            s: await asyncpg.create_pool(
                stack.database_url(s).replace("+asyncpg", ""), min_size=1, max_size=2
            )
            for s in (*EFFECTS, "review")
        }
        rtt = await round_trips(stack.kafka_access(), count=300)
        stop, counts = asyncio.Event(), {"applications": 0, "records": 0}
        load = asyncio.create_task(background(stack, orders, stop, counts))
        began = time.perf_counter()
        samples = []
        for case, rid in people[:changes]:
            samples.append(await stop_and_time(case, rid, pools))
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - began
        stop.set()
        with contextlib.suppress(Exception):
            await load
        for pool in pools.values():
            await pool.close()
    raw_p50 = sorted(rtt)[len(rtt) // 2]
    rows = [
        ms_row("raw aiokafka produce→consume (acks=all)", rtt),
        ms_row("status change → 3 effects committed", samples, raw_p50),
    ]
    load_line = (
        f"background load during the stops: {counts['applications'] / elapsed:.1f} applications/s, "
        f"{counts['records'] / elapsed:.1f} service records/s over {elapsed:.0f} s"
    )
    return table(["path", "n", "p50 ms", "p95 ms", "p99 ms", "p50 vs raw"], rows) + "\n" + load_line


def main() -> None:
    """Runs the benchmark and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20)
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    print(asyncio.run(run(args.recipients, min(args.changes, args.recipients))))


if __name__ == "__main__":
    main()
