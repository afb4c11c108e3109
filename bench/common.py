"""Shared pieces of the benchmarks: a private stack, tables, percentiles, JSON results, a
pooled HTTP client, an interleavable raw Kafka round trip, producing as a service's relay
does and waiting until a consumer has applied what was produced."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import shutil
import signal
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.raw_kafka import percentile
from civic.bus.access import KafkaAccess
from devstack.journeys.api import Api
from devstack.journeys.application import Case
from devstack.procs import find_repo_root
from devstack.stack import Ports, Stack


@contextlib.contextmanager
def private_stack(*, services: bool | Sequence[str] = True, partitions: int = 6) -> Iterator[Stack]:
    """A fresh stack on free ports under .state/bench, removed afterwards; ``services`` is
    True for all six, False for none, or the names of the ones to start."""
    root = find_repo_root()
    state = root / ".state" / "bench" / f"run-{uuid.uuid4().hex[:6]}"
    stack = Stack(state, ports=Ports.free(), partitions=partitions, repo_root=root)
    try:
        stack.start_infra()
        if services:
            names = None if services is True else list(services)
            stack.start_services(names, extra_env={"LOG_LEVEL": "WARNING"})
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(state, ignore_errors=True)


def stop_on_sigterm() -> None:
    """SIGTERM as Ctrl-C: asyncio.run then cancels the bench, and its private stack is stopped
    on the way out instead of left running (Python's default for SIGTERM runs no cleanup)."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Renders a plain text table."""
    cells = [list(map(str, headers))] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ms_row(name: str, samples: Sequence[float], baseline_p50: float | None = None) -> list[object]:
    """p50/p95/p99 in milliseconds (samples in seconds), with the ratio to a baseline p50."""
    p50, p95, p99 = (percentile(list(samples), q) * 1000 for q in (50, 95, 99))
    ratio = f"{p50 / (baseline_p50 * 1000):.0f}x" if baseline_p50 else "1x"
    return [name, len(samples), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}", ratio]


def quantiles_ms(samples: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, p99 and max in milliseconds, for the JSON result."""
    qs = {f"p{q}_ms": percentile(list(samples), q) * 1000 for q in (50, 95, 99)}
    return {"n": len(samples), **qs, "max_ms": max(samples) * 1000}


def repo_path(*parts: str) -> Path:
    """A path inside the repository."""
    return find_repo_root().joinpath(*parts)


def previous(path: Path) -> dict[str, Any] | None:
    """The result the last run wrote to ``path``, if any, to print beside this one."""
    try:
        last: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return last


def write_json(path: Path, result: dict[str, Any]) -> None:
    """Writes a run's result, and says where, so the next run can be compared with it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str))
    print(f"written to {path}")


class PooledApi(Api):
    """``Api`` with one kept-alive client per service and tokens minted once.

    ``Api.call`` builds a new httpx client per call, which costs ~30 ms of CPU here (its
    TLS context): a bench that timed it would time the client, not the service."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack)
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._tokens: dict[str, tuple[float, str]] = {}

    def token(self, **claims: Any) -> str:
        key = json.dumps(claims, sort_keys=True)
        minted = self._tokens.get(key, (0.0, ""))[0]
        if time.monotonic() - minted > 1800:  # dev tokens live an hour
            self._tokens[key] = (time.monotonic(), super().token(**claims))
        return self._tokens[key][1]

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        if service not in self._clients:
            url = self.stack.service_url(service)
            # Idle connections are dropped before uvicorn's 5 s keep-alive ends: a request on
            # a connection the server is closing fails with ReadError.
            limits = httpx.Limits(keepalive_expiry=2.0)
            self._clients[service] = httpx.AsyncClient(base_url=url, timeout=600, limits=limits)
        all_headers = {"Authorization": f"Bearer {token}", **(headers or {})}
        client = self._clients[service]
        return await client.request(method, path, json=json, headers=all_headers)

    async def aclose(self) -> None:
        """Closes the kept-alive clients."""
        for client in self._clients.values():
            await client.aclose()


@dataclasses.dataclass
class PooledCase(Case):
    """A journey whose steps go through a shared ``PooledApi``."""

    pooled: PooledApi | None = None

    @property
    def api(self) -> Api:
        return self.pooled or Api(self.stack)


class RoundTripProbe:
    """The raw limit of a Kafka hop, one sample at a time, so it can be taken under the same
    load as the path it is set against: aiokafka produce (acks=all) → consume of 1 KiB on a
    fresh topic, over the same SCRAM-over-TLS connections the services use."""

    def __init__(self, access: KafkaAccess) -> None:
        self.access = access
        self.topic = f"bench.rtt.{uuid.uuid4().hex[:8]}"
        self.producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
        self.consumer: AIOKafkaConsumer | None = None

    async def __aenter__(self) -> RoundTripProbe:
        admin = AIOKafkaAdminClient(**self.access.aiokafka())
        await admin.start()
        try:
            await admin.create_topics([NewTopic(self.topic, 1, 1)])
        finally:
            await admin.close()
        self.consumer = AIOKafkaConsumer(
            self.topic,
            **self.access.aiokafka(),
            group_id=None,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=10,
        )
        await self.producer.start()
        await self.consumer.start()
        for _ in range(20):  # the first round trips pay for connections and metadata
            await self.once()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.producer.stop()
        if self.consumer is not None:
            await self.consumer.stop()

    async def once(self) -> float:
        """One round trip, in seconds."""
        assert self.consumer is not None
        start = time.perf_counter()
        await self.producer.send_and_wait(self.topic, b"x" * 1024)
        await self.consumer.getone()
        return time.perf_counter() - start


#: A record as its producer's outbox relay sends it: topic, key, value.
Message = tuple[str, bytes, bytes]


async def produce(access: KafkaAccess, messages: Sequence[Message]) -> float:
    """Sends ``messages`` as a service's relay does (acks=all, idempotent); seconds taken."""
    producer = AIOKafkaProducer(
        **access.aiokafka(), acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    began = time.perf_counter()
    try:
        for topic, key, value in messages:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()
    return time.perf_counter() - began


async def until_applied(
    pool: asyncpg.Pool, consumer: str, types: Sequence[str], target: int, every: float
) -> None:
    """Waits until ``consumer``'s processed_event holds ``target`` events of ``types``, showing
    progress every 30 s; gives up when nothing moved for five minutes."""
    query = "select count(*) from processed_event where consumer = $1 and event_type = any($2)"
    began = moved = shown = time.perf_counter()
    last = -1
    while (done := await pool.fetchval(query, consumer, list(types))) < target:
        now = time.perf_counter()
        moved, last = (now, done) if done != last else (moved, last)
        if now - moved > 300:
            raise SystemExit(f"{consumer} stopped at {done:,} of {target:,} {list(types)}")
        if now - shown > 30:
            print(
                f"  ... {done:,} of {target:,} applied ({done / (now - began):,.0f}/s)", flush=True
            )
            shown = now
        await asyncio.sleep(every)
