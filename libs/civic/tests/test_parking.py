"""Parked messages against a real PostgreSQL and Kafka: an event type this build does not know
is kept once, however often it is redelivered, and ``civic-parked`` re-applies it whole (as
``operations``) or closes it with a note."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from civic.bus.grants import OPERATIONS
from civic.consumer import DeadLetter, Delivery, MessageProcessor, Outcome, TopicConsumer
from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import messaging_metadata, parked_message, processed_event
from civic.parked_cli import parked_messages, reapply, resolve
from civic.parking import park
from civic.uow import UnitOfWork
from contracts import topics
from contracts.archive import FileOpened
from contracts.samples import sample
from devstack.infra import Infra

pytestmark = pytest.mark.integration

#: No civic test consumes this topic: what the re-apply sends can be read back alone.
TOPIC = topics.ARCHIVE_FILES


@pytest.fixture
async def db(infra: Infra) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url = infra.create_database(f"civic_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url, pool_size=2)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    yield url, engine
    await engine.dispose()


def processor(engine: AsyncEngine, handled: list[Any] | None = None) -> MessageProcessor:
    """The archive-files consumer of a build that knows FileOpened (when ``handled``)."""
    consumer = TopicConsumer(TOPIC, group="parking-test")
    if handled is not None:

        async def keep(event: Any, uow: UnitOfWork) -> None:
            handled.append(event.event_id)

        consumer.on(FileOpened)(keep)
    letters: list[DeadLetter] = []

    async def dead_letter(letter: DeadLetter) -> None:
        letters.append(letter)

    sessionmaker = make_sessionmaker(engine)
    return MessageProcessor(
        consumer, uow_factory=lambda: UnitOfWork(sessionmaker), dead_letter=dead_letter
    )


def newer_event() -> tuple[str, bytes]:
    """A well-formed envelope of a type these contracts do not know yet."""
    body = sample(FileOpened).model_dump(mode="json")
    body["event_type"] = "archive.SomethingAddedLater"
    return body["event_id"], json.dumps(body).encode()


async def rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list(await conn.execute(select(parked_message).order_by(parked_message.c.id)))


async def read_back(infra: Infra, key: bytes) -> list[Any]:
    """The records of TOPIC with ``key`` (a key no other test uses), once one has arrived."""
    consumer = AIOKafkaConsumer(
        TOPIC, **infra.kafka.aiokafka(), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        found: list[Any] = []
        async with asyncio.timeout(30):
            while not found:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    found += [r for r in batch if r.key == key]
        return found
    finally:
        await consumer.stop()


async def test_an_unknown_type_is_parked_once_and_reapplied_whole_by_operations(
    infra: Infra, db: tuple[str, AsyncEngine]
) -> None:
    url, engine = db
    event_id, raw = newer_event()
    key = f"person-{uuid.uuid4()}".encode()
    headers = {"traceparent": "00-abc-def-01", "x-event-id": event_id}
    delivery = Delivery(TOPIC, 0, 41, key, raw, headers)
    old_build = processor(engine)
    assert await old_build.process(delivery) is Outcome.PARKED
    assert await old_build.process(delivery) is Outcome.PARKED  # redelivered: still one row
    [row] = await rows(engine)
    assert (row.consumer, row.topic, row.kafka_partition, row.kafka_offset) == (
        "parking-test",
        TOPIC,
        0,
        41,
    )
    assert (row.key, row.value, row.headers, row.reason) == (
        key,
        raw,
        headers,
        "unknown_event_type",
    )
    async with engine.connect() as conn:  # not claimed: the upgraded consumer will apply it
        assert (await conn.execute(select(processed_event))).first() is None

    [listed] = await parked_messages(url)
    assert (listed["id"], listed["event_id"], listed["event_type"]) == (
        row.id,
        event_id,
        "archive.SomethingAddedLater",
    )
    assert "value" not in listed and "headers" not in listed and listed["resolved_at"] is None

    assert await reapply(url, infra.access(OPERATIONS), [row.id]) == 1
    [sent] = await read_back(infra, key)
    assert sent.value == raw
    assert dict(sent.headers) == {
        "traceparent": b"00-abc-def-01",
        "x-event-id": event_id.encode(),
        "x-reapplied-from": f"parked:{row.id}".encode(),
    }
    [done] = await rows(engine)
    assert done.resolution == "reapplied" and done.resolved_at is not None
    assert await parked_messages(url) == []
    assert await reapply(url, infra.access(OPERATIONS), None) == 0  # nothing open: nothing sent


async def test_a_parked_message_can_be_closed_with_a_note_instead(
    db: tuple[str, AsyncEngine],
) -> None:
    url, engine = db
    _, raw = newer_event()
    assert await processor(engine).process(Delivery(TOPIC, 1, 7, b"k", raw, {})) is Outcome.PARKED
    [row] = await rows(engine)
    assert await resolve(url, row.id, "测试数据，无需处理") is True
    assert await resolve(url, row.id, "again") is False
    [closed] = await rows(engine)
    assert closed.resolution == "resolved: 测试数据，无需处理"
    assert [r["id"] for r in await parked_messages(url, resolved=True)] == [row.id]


async def test_a_reapplied_copy_applied_by_an_upgraded_consumer_closes_its_own_row(
    db: tuple[str, AsyncEngine],
) -> None:
    url, engine = db
    event = sample(FileOpened)
    raw = event.to_json_bytes()
    parked = Delivery(TOPIC, 2, 3, b"k", raw, {})
    # Parked by a use case (a refusal), then re-applied: the copy arrives at a later offset.
    async with UnitOfWork(make_sessionmaker(engine)) as uow:
        assert await park(uow, parked, "parking-test", "refused: order_closed", event.event_type)
        await uow.commit()
    handled: list[Any] = []
    copy = Delivery(TOPIC, 2, 90, b"k", raw, {"x-reapplied-from": "parked:1"})
    assert await processor(engine, handled).process(copy) is Outcome.APPLIED
    assert handled == [event.event_id]
    [row] = await rows(engine)
    assert (row.resolution, row.resolved_at is not None) == ("applied", True)
    assert await parked_messages(url) == []
