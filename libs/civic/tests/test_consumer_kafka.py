"""A subscribed consumer on a real broker: once-only effects, dead letters, re-drive."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import Text, Uuid, column, func, insert, select, table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.bus.access import KafkaAccess
from civic.consumer import MessageProcessor, TopicConsumer
from civic.dlq_cli import list_letters, redrive
from civic.kafka import DeadLetterPublisher, make_broker, subscribe
from civic.messaging_tables import processed_event
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import ApplicationSubmitted
from contracts.samples import sample
from devstack.infra import Infra

pytestmark = pytest.mark.integration

#: The ``effect`` table conftest creates in ``db``.
effect = table("effect", column("event_id", Uuid), column("note", Text))
TOPIC = topics.INTAKE_APPLICATIONS


@pytest.fixture
async def consumer_broker(
    infra: Infra, db: async_sessionmaker[AsyncSession]
) -> AsyncIterator[KafkaBroker]:
    """A broker whose consumer (fresh group) writes one ``effect`` row per event."""
    consumer = TopicConsumer(TOPIC, group=f"civic-test-{uuid.uuid4().hex[:8]}")

    @consumer.on(ApplicationSubmitted)
    async def record(event: ApplicationSubmitted, uow: UnitOfWork) -> None:
        if event.household_size == 13:  # a use case that always fails for this event
            raise RuntimeError("cannot apply household of 13")
        await uow.session.execute(insert(effect).values(event_id=event.event_id, note="done"))

    broker = make_broker(infra.kafka, client_id="civic-test", tracer_provider=TracerProvider())
    processor = MessageProcessor(
        consumer,
        uow_factory=lambda: UnitOfWork(db),
        dead_letter=DeadLetterPublisher(broker),
        max_attempts=2,
        backoff_s=0.01,
    )
    subscribe(broker, processor)
    await broker.start()
    yield broker
    await broker.stop()


async def produce(bootstrap: KafkaAccess, *values: tuple[bytes, bytes]) -> None:
    producer = AIOKafkaProducer(**bootstrap.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for key, value in values:
            await producer.send_and_wait(TOPIC, value, key=key)
    finally:
        await producer.stop()


async def wait_for(
    db: async_sessionmaker[AsyncSession], ids: set[uuid.UUID], timeout: float = 30
) -> set[Any]:
    async with asyncio.timeout(timeout):
        while True:
            async with db() as s:
                got = set(
                    (
                        await s.execute(select(effect.c.event_id).where(effect.c.event_id.in_(ids)))
                    ).scalars()
                )
            if got == ids:
                return got
            await asyncio.sleep(0.1)


async def test_a_redelivered_event_has_one_effect_and_poison_does_not_block(
    infra: Infra, db: async_sessionmaker[AsyncSession], consumer_broker: KafkaBroker
) -> None:
    person = uuid.uuid4()
    key = str(person).encode()
    first = sample(ApplicationSubmitted, person_id=person, subject_key=str(person))
    poison = sample(
        ApplicationSubmitted, person_id=person, subject_key=str(person), household_size=13
    )
    after = sample(ApplicationSubmitted, person_id=person, subject_key=str(person))
    marker = uuid.uuid4().hex.encode()
    await produce(
        infra.kafka,
        (key, first.to_json_bytes()),
        (key, first.to_json_bytes()),  # the same event again
        (key, b'{"garbage": "' + marker + b'"'),  # not even JSON
        (key, poison.to_json_bytes()),  # parses, but its use case fails
        (key, after.to_json_bytes()),  # must still be processed
    )
    await wait_for(db, {first.event_id, after.event_id})
    mine_ids = [first.event_id, poison.event_id, after.event_id]
    async with db() as s:
        n = (
            await s.execute(select(func.count()).where(effect.c.event_id.in_(mine_ids)))
        ).scalar_one()
        inbox = (
            await s.execute(select(func.count()).where(processed_event.c.event_id.in_(mine_ids)))
        ).scalar_one()
    assert n == 2 and inbox == 2  # the duplicate changed nothing; the poison left nothing
    letters = await list_letters(infra.kafka, TOPIC)
    mine = [
        x
        for x in letters
        if marker.decode() in str(x["value"]) or str(poison.event_id) in str(x["value"])
    ]
    assert len(mine) == 2
    by_error = {str(x["headers"]["x-dlq-error"]).split(":")[0]: x for x in mine}  # type: ignore[index]
    assert set(by_error) == {"unparseable", "RuntimeError"}
    assert by_error["RuntimeError"]["headers"]["x-dlq-attempts"] == "2"  # type: ignore[index]
    assert by_error["unparseable"]["headers"]["x-dlq-original-topic"] == TOPIC  # type: ignore[index]


async def test_redrive_sends_each_letter_back_once(infra: Infra) -> None:
    marker = uuid.uuid4().hex
    producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all")
    await producer.start()
    await producer.send_and_wait(
        topics.dlq(TOPIC), marker.encode(), headers=[("x-dlq-error", b"x")]
    )
    await producer.stop()
    first = await redrive(infra.kafka, TOPIC)
    second = await redrive(infra.kafka, TOPIC)
    assert first >= 1 and second == 0
