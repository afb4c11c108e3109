"""How many events per second each consumer applies through the real path, next to the raw
limits measured in the same run on the same broker and database.

    .venv/bin/python -m bench pipeline [--events 20000] [--json .state/bench/pipeline.json]

Starts a private stack (Kafka, PostgreSQL, the six services), then for settlement's
``ServiceDelivered`` (each a different person, as dispatch publishes them): produces the
events to ``dispatch.services.v1`` as dispatch's principal, and times from the first send
until settlement's ``processed_event`` holds all of them (each row is written in the same
transaction as the service record it stands for). In the same run: a raw aiokafka consumer
reading the same records back, and raw asyncpg ``executemany`` of rows of the same width
in transactions of 500 into settlement's database: the raw limits the real path is set
against. Prints a table and writes JSON so a run can be compared with the last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from bench.common import private_stack, repo_path, table
from civic.bus.access import KafkaAccess
from contracts import topics
from contracts.dispatch import ServiceDelivered
from contracts.samples import sample
from devstack.stack import Stack

BATCH = 500


def _services(count: int) -> list[ServiceDelivered]:
    """``count`` delivered services, each for a different person."""
    day = date(2024, 5, 6)
    made = []
    for _ in range(count):
        person = uuid.uuid4()
        made.append(
            sample(ServiceDelivered, person_id=person, subject_key=str(person), service_date=day)
        )
    return made


async def _produce(access: KafkaAccess, events: list[ServiceDelivered]) -> float:
    producer = AIOKafkaProducer(
        **access.aiokafka(), acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    began = time.perf_counter()
    try:
        for event in events:
            await producer.send(
                topics.DISPATCH_SERVICES, event.to_json_bytes(), key=event.subject_key.encode()
            )
        await producer.flush()
    finally:
        await producer.stop()
    return began


async def _applied(pool: asyncpg.Pool, event_type: str) -> int:
    count: int = await pool.fetchval(
        "select count(*) from processed_event where event_type = $1", event_type
    )
    return count


async def _until_applied(pool: asyncpg.Pool, event_type: str, target: int) -> None:
    while True:
        if await _applied(pool, event_type) >= target:
            return
        await asyncio.sleep(0.05)


async def real_path(stack: Stack, count: int) -> dict[str, float]:
    """Events/s settlement applies ``count`` ServiceDelivered through its consumer."""
    url = stack.database_url("settlement").replace("+asyncpg", "")
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        before = await _applied(pool, "dispatch.ServiceDelivered")
        events = _services(count)
        began = await _produce(stack.kafka_access("dispatch"), events)
        produced = time.perf_counter()
        await _until_applied(pool, "dispatch.ServiceDelivered", before + count)
        done = time.perf_counter()
        # processed_at is the transaction's start: how many transactions applied the events.
        transactions = await pool.fetchval(
            "select count(distinct processed_at) from processed_event where event_type = $1",
            "dispatch.ServiceDelivered",
        )
    finally:
        await pool.close()
    return {
        "seconds": done - began,
        "per_s": count / (done - began),
        "produce_s": produced - began,
        "events_per_transaction": count / max(transactions, 1),
    }


async def raw_consume(access: KafkaAccess, count: int) -> dict[str, float]:
    """Events/s a bare aiokafka consumer reads the newest ``count`` records of the topic."""
    consumer = AIOKafkaConsumer(
        topics.DISPATCH_SERVICES,
        **access.aiokafka(),
        group_id=None,
        auto_offset_reset="earliest",
        max_poll_records=BATCH,
    )
    await consumer.start()
    seen = 0
    began = time.perf_counter()
    try:
        while seen < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            seen += sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()
    elapsed = time.perf_counter() - began
    return {"seconds": elapsed, "per_s": count / elapsed}


async def raw_insert(stack: Stack, count: int) -> dict[str, float]:
    """Rows/s of raw asyncpg executemany, 500 rows a transaction, as wide as the real rows."""
    url = stack.database_url("settlement").replace("+asyncpg", "")
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "create table if not exists bench_raw (id uuid primary key, person uuid, "
            "payload jsonb, at timestamptz default now())"
        )
        rows = [
            (uuid.uuid4(), uuid.uuid4(), json.dumps({"item": "LC-01", "n": i}))
            for i in range(count)
        ]
        began = time.perf_counter()
        for start in range(0, count, BATCH):
            async with conn.transaction():
                await conn.executemany(
                    "insert into bench_raw (id, person, payload) values ($1, $2, $3)",
                    rows[start : start + BATCH],
                )
        elapsed = time.perf_counter() - began
    finally:
        await conn.close()
    return {"seconds": elapsed, "per_s": count / elapsed}


async def run(count: int) -> dict[str, Any]:
    """The three measurements, in one run on one stack."""
    with private_stack() as stack:
        real = await real_path(stack, count)
        consumed = await raw_consume(stack.kafka_access(), count)
        inserted = await raw_insert(stack, count)
    return {
        "events": count,
        "settlement_service_delivered": real,
        "raw_kafka_consume": consumed,
        "raw_asyncpg_executemany": inserted,
        "ratio_to_raw_insert": real["per_s"] / inserted["per_s"],
    }


def render(result: dict[str, Any]) -> str:
    """The table of one run."""
    insert_rate = result["raw_asyncpg_executemany"]["per_s"]
    rows = [
        [
            name,
            result["events"],
            f"{m['seconds']:.1f}",
            f"{m['per_s']:.0f}",
            f"{m['per_s'] / insert_rate:.2f}",
        ]
        for name, m in (
            ("settlement ServiceDelivered (real path)", result["settlement_service_delivered"]),
            ("raw aiokafka consume", result["raw_kafka_consume"]),
            ("raw asyncpg executemany (500/txn)", result["raw_asyncpg_executemany"]),
        )
    ]
    return table(["path", "events", "seconds", "per s", "vs raw insert"], rows)


def main() -> None:
    """Runs the benchmark, prints the table and writes the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--json", type=Path, default=repo_path(".state", "bench", "pipeline.json"))
    args = parser.parse_args()
    result = asyncio.run(run(args.events))
    print(render(result))
    real = result["settlement_service_delivered"]
    print(f"settlement applied {real['events_per_transaction']:.0f} events per transaction")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"written to {args.json}")


if __name__ == "__main__":
    main()
