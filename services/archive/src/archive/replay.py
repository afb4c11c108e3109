"""Rebuilds archive's files from the Kafka topics into a fresh, migrated database.

    export DATABASE_URL=postgresql+asyncpg://…/archive_rebuilt
    alembic -c services/archive/alembic.ini upgrade head
    python -m archive.replay --bootstrap 127.0.0.1:19092      # or: archive-replay
    (as archive's own Kafka principal: KAFKA_PASSWORD_FILE, KAFKA_CA_FILE)

It reads every topic archive consumes from the beginning with a plain aiokafka consumer (no
group, nothing committed), up to the end offsets seen at the start. Service numbers are not
issued again: they are taken from the FileOpened events archive published on
``archive.files.v1``, so a rebuilt file is identical to the live one; counters are moved past
them. Events are applied through the same use cases as the live consumers, one transaction
each, with nothing published (no outbox rows); boards are rendered once at the end.
Uploaded documents are not in the event log: they live only in the database (back it up).
The rebuilt database gets data keys of its own, wrapped by the master keys of
SEALING_MASTER_KEYS_DIR, and what it stores is sealed under them as in the live service.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from archive.adapters import sealing
from archive.adapters.numbering import RecordedNumbers
from archive.consumers import GROUP, build_consumers
from archive.context import ArchiveContext
from archive.domain.numbers import ServiceNumber
from archive.handlers.boards import refresh_boards
from archive.orm import archive_file
from archive.repository.boards import villages_with_files
from archive.settings import Settings
from civic.bus.access import KafkaAccess
from civic.consumer import TopicConsumer
from civic.db import make_engine, make_sessionmaker
from civic.sealing import holding
from civic.uow import UnitOfWork
from contracts import topics
from contracts.archive import FileOpened
from contracts.envelope import Event
from contracts.registry import ContractError, parse

log = logging.getLogger("archive.replay")


class ReplayError(RuntimeError):
    """The replay cannot run (e.g. the target database is not fresh)."""


class ReplayUnitOfWork(UnitOfWork):
    """A unit of work that publishes nothing: the events were published the first time."""

    def emit(self, event: Event, *, topic: str | None = None) -> None:
        """Drops the event."""


@dataclass
class ReplayReport:
    """What a replay did."""

    read: int = 0
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    unreadable: int = 0
    failed: int = 0
    numbers_on_record: int = 0
    boards: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Read:
    topic: str
    partition: int
    offset: int
    event: Event


async def _end_offsets(
    consumer: AIOKafkaConsumer, names: Iterable[str]
) -> dict[TopicPartition, int]:
    # Without a group, the consumer assigns itself every partition of the subscribed topics
    # as soon as it has their metadata.
    wanted = set(names)
    async with asyncio.timeout(60):
        while {tp.topic for tp in consumer.assignment()} != wanted:  # noqa: ASYNC110 - no event to await
            await asyncio.sleep(0.1)
    parts = sorted(consumer.assignment())
    await consumer.seek_to_beginning(*parts)
    return dict(await consumer.end_offsets(parts))


def _parsed(record: Any, report: ReplayReport) -> _Read | None:
    report.read += 1
    try:
        event = parse(record.topic, record.value or b"")
    except ContractError:
        report.unreadable += 1  # the live consumer dead-lettered it; it changed nothing
        return None
    return _Read(record.topic, record.partition, record.offset, event)


async def read_log(
    access: KafkaAccess, names: Sequence[str], report: ReplayReport
) -> list[list[_Read]]:
    """Every parseable event of the topics up to their current end, one list per partition."""
    consumer = AIOKafkaConsumer(
        *names,
        **access.aiokafka(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        ends = await _end_offsets(consumer, names)
        found: dict[TopicPartition, list[_Read]] = {tp: [] for tp in ends}
        pending = {tp for tp, end in ends.items() if end > 0}
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000)
            for tp, records in batch.items():
                read = (_parsed(r, report) for r in records if r.offset < ends[tp])
                found[tp].extend(r for r in read if r is not None)
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return list(found.values())
    finally:
        await consumer.stop()


def recorded_numbers(partitions: Iterable[list[_Read]]) -> dict[str, ServiceNumber]:
    """The service numbers archive published, by person id."""
    out: dict[str, ServiceNumber] = {}
    for part in partitions:
        for r in part:
            if isinstance(r.event, FileOpened):
                out.setdefault(str(r.event.person_id), ServiceNumber.parse(r.event.service_number))
    return out


async def _apply(
    sm: async_sessionmaker[AsyncSession], consumer: TopicConsumer, r: _Read, report: ReplayReport
) -> None:
    handler = consumer.handlers.get(r.event.event_type)
    if handler is None:
        report.ignored += 1
        return
    try:
        await _apply_one(sm, handler, r, report)
    except Exception:
        # The live consumer dead-lettered such an event after its retries; so does the replay.
        log.exception("replay could not apply %s at %s/%s", r.event.event_type, r.topic, r.offset)
        report.failed += 1


async def _apply_one(
    sm: async_sessionmaker[AsyncSession], handler: Any, r: _Read, report: ReplayReport
) -> None:
    async with ReplayUnitOfWork(sm) as uow:
        claimed = await uow.claim_event(
            consumer=GROUP, event=r.event, topic=r.topic, partition=r.partition, offset=r.offset
        )
        if not claimed:
            report.duplicates += 1
            return
        await handler(r.event, uow)
        await uow.commit()
    report.applied += 1
    report.by_topic[r.topic] = report.by_topic.get(r.topic, 0) + 1


async def _ensure_fresh(sm: async_sessionmaker[AsyncSession]) -> None:
    async with sm() as session:
        if (await session.execute(select(func.count()).select_from(archive_file))).scalar_one():
            raise ReplayError("the target database already holds files: replay into a fresh one")


async def _render_boards(sm: async_sessionmaker[AsyncSession], ctx: ArchiveContext) -> int:
    async with ReplayUnitOfWork(sm) as uow:
        villages = await villages_with_files(uow.session)
        await refresh_boards(villages, uow=uow, ctx=replace(ctx, refresh_boards=True), cause=None)
        await uow.commit()
    return len(villages)


async def _rebuild(
    sm: async_sessionmaker[AsyncSession],
    settings: Settings,
    partitions: list[list[_Read]],
    report: ReplayReport,
) -> None:
    numbers = RecordedNumbers(recorded_numbers(partitions))
    report.numbers_on_record = len(numbers)
    async with sm() as session, session.begin():
        await numbers.prime(session)
    ctx = ArchiveContext(settings=settings, numbers=numbers, refresh_boards=False)
    consumers = {c.topic: c for c in build_consumers(ctx)}
    # A k-way merge by event time keeps each partition's own order (one person's story).
    for r in heapq.merge(*partitions, key=lambda r: r.event.occurred_at):
        if r.topic in consumers:
            await _apply(sm, consumers[r.topic], r, report)
    report.boards = await _render_boards(sm, ctx)


def input_topics(settings: Settings) -> list[str]:
    """The topics the live consumers read."""
    ctx = ArchiveContext(settings=settings, numbers=RecordedNumbers({}))
    return [c.topic for c in build_consumers(ctx)]


async def replay(*, settings: Settings) -> ReplayReport:
    """Rebuilds files, history, orders, records and boards into the settings' database."""
    report = ReplayReport()
    engine = make_engine(settings.database_dsn(), pool_size=2)
    sm = make_sessionmaker(engine)
    try:
        await _ensure_fresh(sm)
        # The rebuilt database seals under its own keys (made here), held by this task and
        # the tasks it starts: a service running in the same process keeps its own ring.
        keeper = replace(sealing.make_keeper(settings, engine), installs_ring=False)
        with holding(await keeper.start()):
            partitions = await read_log(
                settings.kafka_access(), [topics.ARCHIVE_FILES, *input_topics(settings)], report
            )
            await _rebuild(sm, settings, partitions, report)
    finally:
        await engine.dispose()
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m archive.replay --database-url … --bootstrap …``."""
    parser = argparse.ArgumentParser(prog="archive-replay", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        required=not os.environ.get("DATABASE_URL"),
    )
    parser.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    )
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {
        "database_url": args.database_url,
        "kafka_bootstrap_servers": args.bootstrap,
    }
    if not (os.environ.get("AUTH_PUBLIC_KEY_FILE") or os.environ.get("AUTH_PUBLIC_KEY_PEM")):
        overrides["auth_public_key_pem"] = "not-used-by-replay"  # replay serves no requests
    settings = Settings(**overrides)
    try:
        report = asyncio.run(replay(settings=settings))
    except ReplayError as exc:
        raise SystemExit(f"archive-replay: {exc}") from exc
    print(
        f"读取 {report.read} 条，应用 {report.applied} 条，重复 {report.duplicates} 条，"
        f"无法解析 {report.unreadable} 条，失败 {report.failed} 条；"
        f"沿用服务号 {report.numbers_on_record} 个，重建公示 {report.boards} 个"
    )


if __name__ == "__main__":
    main()
