"""Jobs that run beside a service for as long as it serves: the one way to run them.

A job is ``async def job(runtime) -> None`` that loops until cancelled; a service lists
its own (its clocks, its sweeps) in ``create_service_app(..., background=[...])`` and the
shared ones below always run. Every step of a job is its own transaction, so cancelling
between or within steps loses nothing: a half-done step rolls back and is done again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from civic.consumer_lag import consumer_lags
from civic.dlq_cli import dlq_depths
from civic.pruning import prune_all
from civic.runtime import Runtime

log = logging.getLogger(__name__)
#: How often ``civic_dlq_depth`` is read from Kafka (a scrape only renders the last reading).
DLQ_DEPTH_INTERVAL_S = 30.0
#: How often ``civic_kafka_consumer_lag`` is read from Kafka (likewise).
CONSUMER_LAG_INTERVAL_S = 30.0

#: A job: started with the service's runtime, cancelled when the service stops.
BackgroundJob = Callable[[Runtime], Coroutine[Any, Any, None]]


@contextlib.asynccontextmanager
async def in_background(job: Coroutine[Any, Any, None], *, name: str) -> AsyncIterator[None]:
    """Runs ``job`` as a task inside the block and cancels it on the way out."""
    task = asyncio.create_task(job, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def every(
    seconds: Callable[[], float],
    step: Callable[[], Awaitable[Any]],
    *,
    what: str,
    retry_s: float = 60.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Runs ``step``, sleeps ``seconds()``, and again; a failed step is retried later."""
    while True:
        wait = retry_s
        try:
            await step()
            wait = seconds()
        except Exception:
            log.exception("%s failed; it is tried again in %.0fs", what, retry_s)
        await sleep(wait)


async def connect_bus(runtime: Runtime) -> None:
    """Starts the Kafka side, retrying while the broker is away; HTTP serves meanwhile."""
    wait = 0.5
    while True:
        try:
            await runtime.broker.start()
        except Exception as exc:
            log.warning("Kafka is not reachable (%r); trying again in %.1fs", exc, wait)
            with contextlib.suppress(Exception):
                await runtime.broker.stop()
            await asyncio.sleep(wait)
            wait = min(10.0, wait * 2)
            continue
        runtime.bus_connected.set()
        runtime.bus_up.set()
        log.info("connected to Kafka")
        return


async def watch_bus(runtime: Runtime, *, interval_s: float = 5.0) -> None:
    """Keeps ``civic_kafka_up`` (and ``/readyz``'s kafka field) true to the broker's state."""
    await runtime.bus_connected.wait()
    while True:
        up = await runtime.broker.ping(timeout=min(2.0, interval_s))
        if up:
            runtime.bus_up.set()
        else:
            runtime.bus_up.clear()
        runtime.metrics.kafka_up.set(1 if up else 0)
        await asyncio.sleep(interval_s)


async def prune_forever(runtime: Runtime) -> None:
    """Deletes sent outbox rows, old processed events and idempotency records, hourly."""
    settings = runtime.settings
    windows = {
        "outbox_message": timedelta(days=settings.outbox_retention_days),
        "processed_event": timedelta(days=settings.processed_retention_days),
        "idempotency_record": timedelta(days=settings.idempotency_retention_days),
    }

    async def step() -> None:
        await prune_all(runtime.sessionmaker, windows)

    await every(lambda: settings.prune_interval_s, step, what="pruning the messaging tables")


async def watch_dlq_depth(runtime: Runtime, *, interval_s: float = DLQ_DEPTH_INTERVAL_S) -> None:
    """Keeps ``civic_dlq_depth{topic}`` for the dead-letter topics of what this service
    consumes: letters dead-lettered and not yet re-driven (``civic-dlq redrive``)."""
    await runtime.bus_connected.wait()
    consumed = sorted({p.consumer.topic for p in runtime.processors})
    access = runtime.settings.kafka_access()

    async def step() -> None:
        for topic, depth in (await dlq_depths(access, consumed)).items():
            runtime.metrics.dlq_depth.labels(topic).set(depth)

    if consumed:
        what = "reading the depth of the dead-letter topics"
        await every(lambda: interval_s, step, what=what, retry_s=interval_s)


async def watch_consumer_lag(
    runtime: Runtime, *, interval_s: float = CONSUMER_LAG_INTERVAL_S
) -> None:
    """Keeps ``civic_kafka_consumer_lag{topic,group,partition}`` for what this service
    consumes: end offset minus the group's committed offset, off the message path."""
    await runtime.bus_connected.wait()
    subscriptions = sorted({(p.consumer.topic, p.consumer.group) for p in runtime.processors})
    access = runtime.settings.kafka_access()

    async def step() -> None:
        for (topic, group, partition), lag in (await consumer_lags(access, subscriptions)).items():
            runtime.metrics.consumer_lag.labels(topic, group, str(partition)).set(lag)

    if subscriptions:
        what = "reading the consumer groups' lag"
        await every(lambda: interval_s, step, what=what, retry_s=interval_s)
