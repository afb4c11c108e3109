"""List and re-drive dead letters: ``civic-dlq list|redrive --topic <topic>``.

Re-driving republishes the original payload and headers to the original topic and
commits its progress in the consumer group ``civic-dlq-redrive``, so running it twice
does not send a letter twice. Consumers deduplicate on the event id in any case.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts import topics

app = typer.Typer(help="死信队列工具 (dead-letter tools)", no_args_is_help=True)
REDRIVE_GROUP = "civic-dlq-redrive"
Bootstrap = Annotated[str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS")]


def _headers(raw: list[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in raw or []}


async def _partitions(bootstrap: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [p["partition"] for d in described for p in d.get("partitions", [])]


async def _read_all(bootstrap: str, dlq_topic: str, group: str | None) -> list[Any]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        parts = await _partitions(bootstrap, dlq_topic)
        if not parts:
            return []
        tps = [TopicPartition(dlq_topic, p) for p in parts]
        consumer.assign(tps)
        if group is None:
            await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        records: list[Any] = []
        while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(timeout_ms=1000)
            for recs in batch.values():
                records.extend(recs)
        if group is not None and records:
            await consumer.commit()
        return records
    finally:
        await consumer.stop()


async def list_letters(bootstrap: str, topic: str) -> list[dict[str, object]]:
    """Reads every dead letter of ``topic`` (without moving any group)."""
    records = await _read_all(bootstrap, topics.dlq(topic), None)
    return [
        {
            "partition": r.partition,
            "offset": r.offset,
            "key": (r.key or b"").decode(errors="replace"),
            "headers": _headers(r.headers),
            "value": (r.value or b"").decode(errors="replace"),
        }
        for r in records
    ]


async def redrive(bootstrap: str, topic: str) -> int:
    """Republishes dead letters not yet re-driven to ``topic``; returns how many."""
    records = await _read_all(bootstrap, topics.dlq(topic), REDRIVE_GROUP)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for r in records:
            headers = [(k, v) for k, v in (r.headers or []) if not k.startswith("x-dlq-")]
            headers.append(("x-redriven-from", f"{topics.dlq(topic)}@{r.offset}".encode()))
            await producer.send_and_wait(topic, r.value, key=r.key, headers=headers)
    finally:
        await producer.stop()
    return len(records)


@app.command("list")
def list_command(topic: str, bootstrap: Bootstrap = "127.0.0.1:19092") -> None:
    """Prints the dead letters of TOPIC as JSON lines."""
    for letter in asyncio.run(list_letters(bootstrap, topic)):
        typer.echo(json.dumps(letter, ensure_ascii=False))


@app.command("redrive")
def redrive_command(topic: str, bootstrap: Bootstrap = "127.0.0.1:19092") -> None:
    """Republishes TOPIC's dead letters that were not re-driven before."""
    typer.echo(f"re-drove {asyncio.run(redrive(bootstrap, topic))} message(s) to {topic}")


def main() -> None:
    """Entry point of ``civic-dlq``."""
    app()
