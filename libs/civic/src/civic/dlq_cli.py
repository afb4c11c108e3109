"""List and re-drive dead letters: ``civic-dlq list|redrive <topic>``, as ``operations``.

Operations is the one principal that may read dead letters and write them back
(``civic.bus.grants``); its credentials come from ``KAFKA_USERNAME``/``KAFKA_PASSWORD_FILE``
and the CA from ``KAFKA_CA_FILE``. Dead-letter topics keep their letters until someone acts
(``retention.ms=-1``, ``civic.bus.platform.DLQ_CONFIG``): not compacted, since an event
dead-lettered by two consumer groups, or twice, is two letters with one event id.

How a re-drive loses nothing and sends nothing twice. A letter goes back to its original
topic with its own payload, key and headers (so its ``x-event-id``, which consumers
deduplicate on), minus the ``x-dlq-*`` diagnosis, plus ``x-redriven-from:
<dlq>@<partition>:<offset>``. Progress is committed in the consumer group
``civic-dlq-redrive`` only after the broker has acknowledged every letter of a batch
(``acks=all``), so a re-drive killed at any point resumes at its last commit and loses
nothing. The letters acknowledged after that last commit are found, not sent again:
before its first send a run commits, as the commit's metadata, where the original topic
ended (its high watermarks; its own sends can only land after them). A run that finds such
a mark left by an interrupted run reads the original topic from there, notes every letter
already carrying an ``x-redriven-from`` of this DLQ at or after the committed offset, and
skips (and commits past) those. A finished run clears the mark. Operations therefore also
READs the original topics (``civic.bus.grants``).

Why not a Kafka transaction (``send_offsets_to_transaction``): the services consume with
aiokafka's default ``read_uncommitted``, so the copy sent inside an aborted transaction
would still reach them, and a second run would send it again; the mark above keeps the
original topic itself free of doubles, whoever reads it. Run one re-drive per topic at a
time: two at once may both send the same letter (consumers would still apply it once).
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from civic.bus.access import KafkaAccess
from civic.bus.grants import OPERATIONS, REDRIVE_GROUP
from civic.settings import read_secret
from contracts import topics

app = typer.Typer(help="死信队列工具 (dead-letter tools)", no_args_is_help=True)
ORIGIN_HEADER = "x-redriven-from"
DLQ_HEADER_PREFIX = "x-dlq-"
Bootstrap = Annotated[str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS")]
User = Annotated[str, typer.Option(envvar="KAFKA_USERNAME")]
PasswordFile = Annotated[Path, typer.Option(envvar="KAFKA_PASSWORD_FILE")]
CaFile = Annotated[Path, typer.Option(envvar="KAFKA_CA_FILE")]
#: Original topic partition -> the offset from which an interrupted run may have written.
Mark = dict[int, int]
Offsets = dict[TopicPartition, int]


def _access(bootstrap: str, user: str, password_file: Path, ca_file: Path) -> KafkaAccess:
    password = read_secret(None, password_file)
    assert password is not None
    return KafkaAccess(bootstrap, user, password, ca_file)


def _headers(raw: list[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in raw or []}


def origin(dlq_topic: str, partition: int, offset: int) -> str:
    """The ``x-redriven-from`` value of one letter."""
    return f"{dlq_topic}@{partition}:{offset}"


async def _partitions(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    described = await admin.describe_topics([topic])
    parts = [p["partition"] for d in described for p in d.get("partitions", [])]
    return [TopicPartition(topic, p) for p in sorted(parts)]


@contextlib.asynccontextmanager
async def _admin(access: KafkaAccess) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def _consumer(access: KafkaAccess, group: str | None) -> AsyncIterator[AIOKafkaConsumer]:
    consumer = AIOKafkaConsumer(
        **access.aiokafka(), group_id=group, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def _read(consumer: AIOKafkaConsumer, start: Offsets, batch: int) -> AsyncIterator[Any]:
    """Yields (partition, records) from ``start`` up to the end offsets seen now."""
    consumer.assign(list(start))
    for tp, offset in start.items():
        consumer.seek(tp, offset)
    end = await consumer.end_offsets(list(start))
    while pending := [tp for tp in start if await consumer.position(tp) < end[tp]]:
        fetched = await consumer.getmany(*pending, timeout_ms=1000, max_records=batch)
        for tp, records in fetched.items():
            yield tp, [r for r in records if r.offset < end[tp]]


async def list_letters(access: KafkaAccess, topic: str) -> list[dict[str, object]]:
    """Reads every dead letter of ``topic`` (without moving any group)."""
    async with _admin(access) as admin, _consumer(access, None) as consumer:
        tps = await _partitions(admin, topics.dlq(topic))
        start = await consumer.beginning_offsets(tps)
        letters = [r async for _, records in _read(consumer, start, 500) for r in records]
    return [
        {
            "partition": r.partition,
            "offset": r.offset,
            "key": (r.key or b"").decode(errors="replace"),
            "headers": _headers(r.headers),
            "value": (r.value or b"").decode(errors="replace"),
        }
        for r in letters
    ]


async def _group_offsets(
    admin: AIOKafkaAdminClient, tps: list[TopicPartition], *, tries: int = 60
) -> dict[TopicPartition, Any]:
    """The redrive group's committed offsets (and metadata); retried while the broker is
    still electing the group's coordinator (a fresh cluster, a moved partition)."""
    for attempt in range(tries):
        try:
            return await admin.list_consumer_group_offsets(REDRIVE_GROUP, partitions=tps)
        except KafkaError as exc:
            if not exc.retriable or attempt == tries - 1:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


def _or(stored: Any, beginning: int) -> int:
    return int(stored.offset) if stored is not None and stored.offset >= 0 else beginning


async def _committed(
    admin: AIOKafkaAdminClient, consumer: AIOKafkaConsumer, tps: list[TopicPartition]
) -> tuple[Offsets, Mark | None]:
    """Where the redrive group stands on each DLQ partition, and the mark of an unfinished run."""
    stored = await _group_offsets(admin, tps)
    beginning = await consumer.beginning_offsets(tps)
    offsets = {tp: _or(stored.get(tp), beginning[tp]) for tp in tps}
    marks = [json.loads(m.metadata) for m in stored.values() if m.offset >= 0 and m.metadata]
    if not marks:
        return offsets, None
    merged: Mark = {}
    for mark in marks:  # one run writes one mark everywhere; the lowest bound is the safe one
        for part, offset in mark.items():
            merged[int(part)] = min(offset, merged.get(int(part), offset))
    return offsets, merged


async def _already_sent(access: KafkaAccess, topic: str, mark: Mark, done: Offsets) -> set[str]:
    """Letters an interrupted run sent after its last commit: found on the original topic."""
    dlq, found = topics.dlq(topic), set()
    async with _consumer(access, None) as consumer:
        start = {TopicPartition(topic, p): offset for p, offset in mark.items()}
        async for _, records in _read(consumer, start, 500):
            for r in records:
                value = _headers(r.headers).get(ORIGIN_HEADER, "")
                if _not_before_commit(value, done, dlq):
                    found.add(value)
    return found


def _not_before_commit(value: str, done: Offsets, dlq: str) -> bool:
    if not value.startswith(f"{dlq}@"):
        return False
    part, _, offset = value.removeprefix(f"{dlq}@").partition(":")
    committed = done.get(TopicPartition(dlq, int(part))) if part.isdigit() else None
    return committed is not None and offset.isdigit() and int(offset) >= committed


async def _commit(consumer: AIOKafkaConsumer, done: Offsets, mark: Mark | None) -> None:
    """Commits the redrive group's progress; ``mark`` says a run is under way."""
    metadata = json.dumps({str(p): o for p, o in mark.items()}) if mark is not None else ""
    await consumer.commit({tp: (offset, metadata) for tp, offset in done.items()})


def _republished_headers(dlq: str, record: Any) -> list[tuple[str, bytes]]:
    kept = [
        (k, v)
        for k, v in record.headers or []
        if not k.startswith(DLQ_HEADER_PREFIX) and k != ORIGIN_HEADER
    ]
    return [*kept, (ORIGIN_HEADER, origin(dlq, record.partition, record.offset).encode())]


async def _ends(consumer: AIOKafkaConsumer, admin: AIOKafkaAdminClient, topic: str) -> Mark:
    ends = await consumer.end_offsets(await _partitions(admin, topic))
    return {tp.partition: offset for tp, offset in ends.items()}


async def redrive(access: KafkaAccess, topic: str, *, batch_size: int = 200) -> int:
    """Republishes dead letters not yet re-driven to ``topic``; returns how many it sent."""
    dlq = topics.dlq(topic)
    async with _admin(access) as admin, _consumer(access, REDRIVE_GROUP) as consumer:
        tps = await _partitions(admin, dlq)
        if not tps:
            return 0
        done, left = await _committed(admin, consumer, tps)
        skip = await _already_sent(access, topic, left, done) if left is not None else set()
        # Where this run's sends can start, written down before the first of them.
        mark = left if left is not None and skip else await _ends(consumer, admin, topic)
        consumer.assign(tps)
        await _commit(consumer, done, mark)
        sent = await _send_all(access, consumer, topic, done, (skip, mark, batch_size))
        await _commit(consumer, done, None)  # finished: no run under way
    return sent


async def _send_all(
    access: KafkaAccess,
    consumer: AIOKafkaConsumer,
    topic: str,
    done: Offsets,
    how: tuple[set[str], Mark, int],
) -> int:
    skip, mark, batch_size = how
    dlq, sent = topics.dlq(topic), 0
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        async for tp, records in _read(consumer, dict(done), batch_size):
            fresh = [r for r in records if origin(dlq, tp.partition, r.offset) not in skip]
            acks = [
                await producer.send(topic, r.value, key=r.key, headers=_republished_headers(dlq, r))
                for r in fresh
            ]
            await asyncio.gather(*acks)  # every letter of the batch is on the broker
            sent += len(acks)
            if records:
                done[tp] = records[-1].offset + 1
                await _commit(consumer, done, mark)
    finally:
        await producer.stop()
    return sent


async def _dlq_names(admin: AIOKafkaAdminClient, consumed: Iterable[str]) -> list[str]:
    """The dead-letter topics of ``consumed``; a family (``provider.*.replies.v1``) is matched
    against the topics this principal may see."""
    names = [topics.dlq(t) for t in consumed if "*" not in t]
    families = [topics.dlq(t) for t in consumed if "*" in t]
    if families:
        visible = await admin.list_topics()
        names += [n for n in visible if any(fnmatch.fnmatchcase(n, f) for f in families)]
    return sorted(set(names))


async def dlq_depths(access: KafkaAccess, consumed: Iterable[str]) -> dict[str, int]:
    """Letters not yet re-driven on each dead-letter topic of ``consumed`` (end offset minus
    the redrive group's committed offset, summed over partitions). A service principal may do
    this: WRITE on its DLQs implies DESCRIBE, and it may DESCRIBE the redrive group."""
    async with _admin(access) as admin, _consumer(access, None) as consumer:
        names = await _dlq_names(admin, consumed)
        tps = [tp for name in names for tp in await _partitions(admin, name)]
        if not tps:
            return {}
        end = await consumer.end_offsets(tps)
        beginning = await consumer.beginning_offsets(tps)
        stored = await _group_offsets(admin, tps, tries=1)
    depths = dict.fromkeys(sorted({tp.topic for tp in tps}), 0)
    for tp in tps:
        depths[tp.topic] += end[tp] - max(_or(stored.get(tp), beginning[tp]), beginning[tp])
    return depths


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
