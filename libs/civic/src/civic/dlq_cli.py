"""List and re-drive dead letters: ``civic-dlq list|redrive <topic>``, as ``operations``.

Operations is the one principal that may read dead letters and write them back
(``civic.bus.grants``); its credentials come from ``KAFKA_USERNAME``/``KAFKA_PASSWORD_FILE``
and the CA from ``KAFKA_CA_FILE``.

Re-driving republishes the original payload and headers to the original topic and
commits its progress in the consumer group ``civic-dlq-redrive``, so running it twice
does not send a letter twice. Consumers deduplicate on the event id in any case.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from civic.bus.access import KafkaAccess
from civic.bus.grants import OPERATIONS
from civic.settings import read_secret
from contracts import topics

app = typer.Typer(help="死信队列工具 (dead-letter tools)", no_args_is_help=True)
REDRIVE_GROUP = "civic-dlq-redrive"
Bootstrap = Annotated[str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS")]
User = Annotated[str, typer.Option(envvar="KAFKA_USERNAME")]
PasswordFile = Annotated[Path, typer.Option(envvar="KAFKA_PASSWORD_FILE")]
CaFile = Annotated[Path, typer.Option(envvar="KAFKA_CA_FILE")]


def _access(bootstrap: str, user: str, password_file: Path, ca_file: Path) -> KafkaAccess:
    password = read_secret(None, password_file)
    assert password is not None
    return KafkaAccess(bootstrap, user, password, ca_file)


def _headers(raw: list[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in raw or []}


async def _partitions(access: KafkaAccess, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [p["partition"] for d in described for p in d.get("partitions", [])]


async def _read_all(access: KafkaAccess, dlq_topic: str, group: str | None) -> list[Any]:
    consumer = AIOKafkaConsumer(
        **access.aiokafka(),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        parts = await _partitions(access, dlq_topic)
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


async def list_letters(access: KafkaAccess, topic: str) -> list[dict[str, object]]:
    """Reads every dead letter of ``topic`` (without moving any group)."""
    records = await _read_all(access, topics.dlq(topic), None)
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


async def redrive(access: KafkaAccess, topic: str) -> int:
    """Republishes dead letters not yet re-driven to ``topic``; returns how many."""
    records = await _read_all(access, topics.dlq(topic), REDRIVE_GROUP)
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
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
def list_command(
    topic: str,
    password_file: PasswordFile,
    ca_file: CaFile,
    bootstrap: Bootstrap = "127.0.0.1:19092",
    user: User = OPERATIONS,
) -> None:
    """Prints the dead letters of TOPIC as JSON lines."""
    access = _access(bootstrap, user, password_file, ca_file)
    for letter in asyncio.run(list_letters(access, topic)):
        typer.echo(json.dumps(letter, ensure_ascii=False))


@app.command("redrive")
def redrive_command(
    topic: str,
    password_file: PasswordFile,
    ca_file: CaFile,
    bootstrap: Bootstrap = "127.0.0.1:19092",
    user: User = OPERATIONS,
) -> None:
    """Republishes TOPIC's dead letters that were not re-driven before."""
    access = _access(bootstrap, user, password_file, ca_file)
    typer.echo(f"re-drove {asyncio.run(redrive(access, topic))} message(s) to {topic}")


def main() -> None:
    """Entry point of ``civic-dlq``."""
    app()
