"""How fast a stop reaches dispatch, settlement and archive, under a steady background load,
next to the raw Kafka round trip measured under that same load.

    .venv/bin/python -m bench status_change [--changes 300] [--records-per-s 55]
        [--json .state/bench/status_change.json]

Starts a private stack (Kafka, PostgreSQL, the six services) and creates ``--changes`` +
``--load-recipients`` recipients through the real application path (WeChat application,
registration, survey, approval; both providers accept the orders), several at a time.
Then, in a process of its own, a steady open-loop load of service records on the load
recipients' orders (``--records-per-s``) and WeChat applications (``--applications-per-s``);
after a warm-up, the officer stops each of the other recipients' aid, one at a time:

* timed from sending the PATCH until the last of the three effects is committed:
  dispatch's, settlement's and archive's ``processed_event`` row for that
  RecipientStatusChanged (each service writes it in the same transaction as its effect);
* the event id comes from review's ``recipient_status_history`` by its primary key
  (recipient, the version the answer names), and each effect is polled by its primary key
  (consumer, event id), the three concurrently, every 5 ms;
* all the while, a raw aiokafka produce→consume round trip (acks=all, SCRAM over TLS) is
  taken every 250 ms: the raw limit, under the same load, in the same window.

Requests and tokens go through one kept-alive client (``common.PooledApi``): a new httpx
client costs ~30 ms of CPU, which the old bench timed with every stop. The load actually
accepted during the window is measured and printed; an effect not committed within
``--effect-timeout`` is left out and counted. The bench exits non-zero when the load stayed
under ``--min-records-per-s`` (default 50) or a stop did not arrive. Prints p50/p95/p99 and
the ratio to the raw round trip, and writes JSON to compare with the last run.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from bench import common, load
from bench.common import PooledApi, RoundTripProbe, ms_row, private_stack, table
from bench.load import Person, recipients
from civic import clock
from devstack.journeys import care
from devstack.stack import Stack

EFFECTS = ("dispatch", "settlement", "archive")
EVENT_ID = "select event_id from recipient_status_history where recipient_id = $1 and version = $2"
APPLIED = "select 1 from processed_event where consumer = $1 and event_id = $2"


async def committed(
    pool: asyncpg.Pool, service: str, event_id: uuid.UUID, start: float, limit: float
) -> float | None:
    """Seconds from ``start`` until ``service`` has committed the event's effect; None when
    it had not after ``limit`` seconds."""
    try:
        async with asyncio.timeout(limit - (time.perf_counter() - start)):
            # Polled: a commit in another service's database announces itself nowhere else.
            while not await pool.fetchval(APPLIED, service, event_id):  # noqa: ASYNC110
                await asyncio.sleep(0.005)
    except TimeoutError:
        return None
    return time.perf_counter() - start


async def stop_and_time(
    person: Person, pools: dict[str, asyncpg.Pool], limit: float
) -> dict[str, float | None]:
    """Stops one recipient's aid; seconds until each effect, and all three, are committed."""
    case, recipient_id, _ = person
    body = {
        "status": "stopped",
        "effective_date": clock.today().isoformat(),
        "reason_code": "assistance_stopped",
        "reason_zh": "家庭收入超过标准",
    }
    start = time.perf_counter()
    response = await care.change_status(case, recipient_id, body)
    assert response.status_code == 200, response.text
    version = response.json()["status_version"]
    event_id = await pools["review"].fetchval(EVENT_ID, uuid.UUID(recipient_id), version)
    seen = await asyncio.gather(*(committed(pools[s], s, event_id, start, limit) for s in EFFECTS))
    done = [t for t in seen if t is not None]
    return {**dict(zip(EFFECTS, seen, strict=True)), "all": max(done) if len(done) == 3 else None}


async def probe_until(probe: RoundTripProbe, done: asyncio.Event) -> list[float]:
    """Raw round trips every 250 ms until ``done``: the raw limit under the same load."""
    samples = []
    while not done.is_set():
        samples.append(await probe.once())
        await asyncio.sleep(0.25)
    return samples


async def measure(
    people: list[Person], pools: dict[str, asyncpg.Pool], stack: Stack, limit: float
) -> dict[str, list[float]]:
    """The stops one at a time, with the raw round trip probed concurrently; an effect not
    committed within ``limit`` seconds is counted under ``late:<effect>``."""
    timings: dict[str, list[float]] = {name: [] for name in (*EFFECTS, "all")}
    timings |= {f"late:{name}": [] for name in (*EFFECTS, "all")}
    async with RoundTripProbe(stack.kafka_access()) as probe:
        done = asyncio.Event()
        raw = asyncio.create_task(probe_until(probe, done))
        try:
            for person in people:
                for name, seconds in (await stop_and_time(person, pools, limit)).items():
                    timings[name if seconds is not None else f"late:{name}"].append(
                        seconds or limit
                    )
                await asyncio.sleep(0.2)
        finally:
            done.set()
            timings["raw"] = await raw
    return timings


async def under_load(
    stack: Stack, args: argparse.Namespace, stopped: list[Person], loaded: list[Person]
) -> tuple[dict[str, list[float]], tuple[float, list[int]], tuple[float, list[int]]]:
    """The stops under the background load, after its warm-up; the load's counters before
    and after them."""
    orders = [order for _, _, mine in loaded for order in mine]
    plan = load.LoadPlan(
        stack.state_dir, stack.ports, orders, args.records_per_s, args.applications_per_s
    )
    pools = {
        s: await asyncpg.create_pool(
            stack.database_url(s).replace("+asyncpg", ""), min_size=1, max_size=2
        )
        for s in (*EFFECTS, "review")
    }
    try:
        with load.BackgroundLoad(plan) as background:
            await asyncio.sleep(args.warmup)
            before = background.snapshot()
            timings = await measure(stopped, pools, stack, args.effect_timeout)
            return timings, before, background.snapshot()
    finally:
        for pool in pools.values():
            await pool.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set-up, then the stops under load."""
    with private_stack() as stack:
        api = PooledApi(stack)
        total = args.changes + args.load_recipients
        print(f"creating {total} recipients through the full path ...", flush=True)
        try:
            people, setup_s = await recipients(stack, api, total, args.parallel)
            print(f"created {total} recipients in {setup_s:.0f} s ({total / setup_s:.2f}/s)")
            stopped, loaded = people[: args.changes], people[args.changes :]
            print(f"stopping {len(stopped)} recipients under load ...", flush=True)
            measured = await under_load(stack, args, stopped, loaded)
        finally:
            await api.aclose()
    return summarise(args, total, setup_s, *measured)


def summarise(
    args: argparse.Namespace,
    created: int,
    setup_s: float,
    timings: dict[str, list[float]],
    before: tuple[float, list[int]],
    after: tuple[float, list[int]],
) -> dict[str, Any]:
    """The JSON result: quantiles, the ratio to the raw round trip, the load reached."""
    seconds = after[0] - before[0]
    rate = [(a - b) / seconds for a, b in zip(after[1], before[1], strict=True)]
    names = (*EFFECTS, "all")
    return {
        "changes": args.changes,
        "recipients_created": created,
        "setup_s": setup_s,
        "raw_round_trip": common.quantiles_ms(timings["raw"]),
        "effects": {n: common.quantiles_ms(timings[n]) for n in names if timings[n]},
        "not_committed_in_time": {n: len(timings[f"late:{n}"]) for n in names},
        "effect_timeout_s": args.effect_timeout,
        "load": {
            "seconds": seconds,
            "records_per_s": rate[load.RECORDS_OK],
            "records_failed_per_s": rate[load.RECORDS_FAILED],
            "applications_per_s": rate[load.APPLICATIONS_OK],
            "applications_failed_per_s": rate[load.APPLICATIONS_FAILED],
            "skipped_per_s": rate[load.SKIPPED],
            "target_records_per_s": args.records_per_s,
        },
        "samples_s": {n: v for n, v in timings.items() if not n.startswith("late:")},
    }


def render(result: dict[str, Any]) -> str:
    """The table of one run and the load it ran under."""
    samples = result["samples_s"]
    raw_p50 = common.percentile(samples["raw"], 50)
    rows = [ms_row("raw aiokafka produce→consume (acks=all), same load", samples["raw"])]
    for name in (*EFFECTS, "all"):
        what = "all 3 effects" if name == "all" else name
        if samples[name]:
            rows.append(ms_row(f"status change → {what} committed", samples[name], raw_p50))
    got = result["load"]
    lines = [
        table(["path", "n", "p50 ms", "p95 ms", "p99 ms", "p50 vs raw"], rows),
        f"background load during the stops: {got['records_per_s']:.1f} service records/s accepted "
        f"({got['records_failed_per_s']:.1f}/s refused, {got['skipped_per_s']:.1f}/s not sent: "
        f"too many in flight), {got['applications_per_s']:.1f} applications/s, "
        f"over {got['seconds']:.0f} s",
    ]
    if late := {n: k for n, k in result["not_committed_in_time"].items() if k}:
        lines.append(f"NOT committed within {result['effect_timeout_s']:.0f} s (left out): {late}")
    return "\n".join(lines)


def failures(result: dict[str, Any], least: float) -> list[str]:
    """Why this run does not measure what was asked, if it does not."""
    found = []
    if (rate := result["load"]["records_per_s"]) < least:
        found.append(f"the background load reached {rate:.1f} service records/s, not {least:.0f}")
    if late := result["not_committed_in_time"]["all"]:
        found.append(f"{late} stops had not reached all three services in time")
    return found


def main() -> None:
    """Runs the benchmark, prints the table, writes the JSON, fails if the run fell short."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=300, help="recipients stopped (timed)")
    parser.add_argument("--load-recipients", type=int, default=10)
    parser.add_argument("--parallel", type=int, default=6, help="recipients created at once")
    parser.add_argument("--records-per-s", type=float, default=55.0)
    parser.add_argument("--applications-per-s", type=float, default=2.0)
    parser.add_argument("--min-records-per-s", type=float, default=50.0)
    parser.add_argument("--effect-timeout", type=float, default=300.0)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before timing")
    default_json = common.repo_path(".state", "bench", "status_change.json")
    parser.add_argument("--json", type=Path, default=default_json)
    args = parser.parse_args()
    common.stop_on_sigterm()
    last = common.previous(args.json)
    result = asyncio.run(run(args))
    print(render(result))
    if last and "all" in last["effects"]:
        was = last["effects"]["all"]
        print(f"last run: all 3 effects p50 {was['p50_ms']:.1f} ms, p99 {was['p99_ms']:.1f} ms")
    common.write_json(args.json, result)
    if found := failures(result, args.min_records_per_s):
        raise SystemExit("FAILED: " + "; ".join(found) + ": not the measurement asked for")


if __name__ == "__main__":
    main()
