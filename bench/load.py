"""What a benchmark measures against: recipients made through the real application path,
and a steady background load in a process of its own (service records through dispatch's
provider API and WeChat applications through intake, at fixed rates)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import PooledApi, PooledCase
from devstack.journeys import care
from devstack.journeys.application import (
    STAFF,
    VILLAGE,
    approval,
    catalogue_loaded,
    decide,
    register,
    submit,
    survey_and_pass,
)
from devstack.journeys.db import wait_until
from devstack.stack import Ports, Stack

PROVIDERS = {"bench-meals": "LC-03", "bench-clean": "CL-01"}
#: A recipient: its journey (pooled), its id, and its accepted orders (provider, order).
Person = tuple[PooledCase, str, list[tuple[str, dict[str, Any]]]]


async def open_survey_task(case: PooledCase) -> None:
    """Waits for the survey task of the case's application (open tasks only: the journey's
    own wait lists every task of the village, oldest first, and loses new ones past 100)."""
    token = case.token("village_staff", case.village, STAFF)
    path = f"/survey-tasks?village_code={case.village}&status=open&size=100"

    async def check() -> str | None:
        got = await case.api.call("survey", "GET", path, token=token)
        ids = [
            t["survey_id"]
            for t in got.json()["items"]
            if t["application_id"] == case.application_id
        ]
        return ids[0] if ids else None

    case.survey_id = await wait_until(check, timeout=120)


async def assigned_orders(api: PooledApi, provider: str, recipient_id: str) -> list[dict[str, Any]]:
    """The provider's orders for the recipient still waiting for its answer."""
    token = api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")

    async def check() -> list[dict[str, Any]] | None:
        got = await api.call(
            "dispatch", "GET", "/provider/orders?status=assigned&size=100", token=token
        )
        return [o for o in got.json()["items"] if o["recipient_id"] == recipient_id] or None

    found: list[dict[str, Any]] = await wait_until(check, timeout=120)
    return found


async def new_recipient(stack: Stack, api: PooledApi, slots: asyncio.Semaphore) -> Person:
    """One person from a WeChat application to a recipient whose two orders are accepted."""
    async with slots:
        case = PooledCase(stack, pooled=api)
        assert (await submit(case)).status_code == 201
        assert (await register(case)).status_code == 200
        await open_survey_task(case)
        await survey_and_pass(case)
        decided = await decide(case, approval())
        assert decided.status_code == 201, decided.text
        recipient_id: str = decided.json()["recipient_id"]
        orders = []
        for provider in PROVIDERS:
            for order in await assigned_orders(api, provider, recipient_id):
                await care.accept(api, provider, order)
                orders.append((provider, order))
        return case, recipient_id, orders


async def recipients(
    stack: Stack, api: PooledApi, count: int, parallel: int
) -> tuple[list[Person], float]:
    """Providers, then ``count`` recipients through the real path, ``parallel`` at a time."""
    await catalogue_loaded(stack, "intake")
    await catalogue_loaded(stack, "review")
    for provider, item in PROVIDERS.items():
        await care.register_provider(api, provider, [item], VILLAGE, capacity=count + 100)
    began, slots = time.perf_counter(), asyncio.Semaphore(parallel)
    people = await asyncio.gather(*(new_recipient(stack, api, slots) for _ in range(count)))
    return list(people), time.perf_counter() - began


@dataclasses.dataclass(frozen=True)
class LoadPlan:
    """A steady background load: service records on ``orders`` and WeChat applications, at
    fixed rates (open loop: a slow answer does not slow the sending down)."""

    state_dir: Path
    ports: Ports
    orders: list[tuple[str, dict[str, Any]]]
    records_per_s: float
    applications_per_s: float
    #: Past this many requests waiting for an answer, a due request is skipped (and counted):
    #: a queue that only grows would measure the queue.
    max_in_flight: int = 64


#: Slots of the counters the load process shares with the bench.
RECORDS_OK, RECORDS_FAILED, APPLICATIONS_OK, APPLICATIONS_FAILED, SKIPPED = range(5)


class BackgroundLoad:
    """Runs a ``LoadPlan`` in a process of its own, so the bench's own event loop (and its
    clock) is not slowed by the load it generates; counts what the services accepted."""

    def __init__(self, plan: LoadPlan) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.stop_flag = ctx.Event()
        self.ready = ctx.Event()
        self.counts = ctx.Array("q", 5)
        self.process = ctx.Process(
            target=_load_main, args=(plan, self.stop_flag, self.ready, self.counts), daemon=True
        )

    def __enter__(self) -> BackgroundLoad:
        self.process.start()
        # The providers' workers are registered before the load, and before any timing, starts.
        while not self.ready.wait(1):
            if not self.process.is_alive():
                raise RuntimeError("the background load ended before it started")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_flag.set()
        self.process.join(30)
        if self.process.is_alive():
            self.process.kill()

    def snapshot(self) -> tuple[float, list[int]]:
        """The time and the counters now (rates are differences of two snapshots)."""
        with self.counts.get_lock():
            return time.perf_counter(), [int(n) for n in self.counts[:]]


def _load_main(plan: LoadPlan, stop: Any, ready: Any, counts: Any) -> None:
    asyncio.run(_load(plan, stop, ready, counts))


#: A visit's minute is one of 110 (``minutes_ago``); each worker always has the same one.
_MINUTES = 110


def worker_pool(records_per_s: float) -> int:
    """Workers per provider so that one worker's visits come 75 s apart and never overlap:
    record ``i`` is by worker ``i % pool`` (a multiple of the 110 minutes), one-minute long."""
    return _MINUTES * math.ceil(75 * records_per_s / _MINUTES)


async def register_workers(api: PooledApi, plan: LoadPlan, parallel: int = 16) -> None:
    """Puts the pool of trained workers in every loaded provider's register."""
    slots = asyncio.Semaphore(parallel)
    providers = sorted({provider for provider, _ in plan.orders})

    async def one(provider: str, n: int) -> None:
        async with slots:
            await care.register_worker(api, provider, f"load-{n}")

    pool = worker_pool(plan.records_per_s)
    await asyncio.gather(*(one(p, n) for p in providers for n in range(pool)))


async def _load(plan: LoadPlan, stop: Any, ready: Any, counts: Any) -> None:
    stack = Stack(plan.state_dir, ports=plan.ports)  # handles only: the stack already runs
    api = PooledApi(stack)
    await register_workers(api, plan)
    ready.set()
    running: set[asyncio.Task[None]] = set()
    step = 1 / plan.records_per_s
    apps = plan.applications_per_s
    every = max(1, round(plan.records_per_s / apps)) if apps > 0 else 0
    pool = worker_pool(plan.records_per_s)
    began, i = time.perf_counter(), 0
    while not stop.is_set():
        i += 1
        await asyncio.sleep(max(0.0, began + i * step - time.perf_counter()))
        if len(running) >= plan.max_in_flight:
            _count(counts, SKIPPED)  # the services are this far behind: say so, not queue
            continue
        jobs = [_record(api, plan, i, pool, counts)]
        if every and i % every == 0:
            jobs.append(_application(api, counts))
        for job in jobs:
            task = asyncio.create_task(job)
            running.add(task)
            task.add_done_callback(running.discard)
    await asyncio.gather(*running, return_exceptions=True)
    await api.aclose()


async def _record(api: PooledApi, plan: LoadPlan, i: int, pool: int, counts: Any) -> None:
    provider, order = plan.orders[i % len(plan.orders)]
    try:
        # Registered workers (register_workers), each in a minute of its own: many visits
        # share a minute, never a worker's.
        done = await care.report_service(
            api,
            provider,
            order,
            minutes_ago=1 + i % _MINUTES,
            worker=f"load-{i % pool}",
            register=False,
        )
        _count(counts, RECORDS_OK if done.status_code == 200 else RECORDS_FAILED)
        if done.status_code != 200:
            _show_refusal(f"service record: {done.status_code} {done.text[:300]}")
    except httpx.HTTPError as exc:
        _count(counts, RECORDS_FAILED)
        _show_refusal(f"service record: {exc!r}")


async def _application(api: PooledApi, counts: Any) -> None:
    try:
        done = await submit(PooledCase(api.stack, pooled=api))
        _count(counts, APPLICATIONS_OK if done.status_code == 201 else APPLICATIONS_FAILED)
        if done.status_code != 201:
            _show_refusal(f"application: {done.status_code} {done.text[:300]}")
    except httpx.HTTPError as exc:
        _count(counts, APPLICATIONS_FAILED)
        _show_refusal(f"application: {exc!r}")


def _count(counts: Any, slot: int) -> None:
    with counts.get_lock():
        counts[slot] += 1


_shown: list[str] = []


def _show_refusal(what: str) -> None:
    """Prints the first few refusals, so a load that falls short says why."""
    if len(_shown) < 5:
        _shown.append(what)
        print(f"load refused: {what}", file=sys.stderr, flush=True)
