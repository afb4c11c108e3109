"""The outbox relay replaces a Kafka producer aiokafka cannot recover (aio-libs/aiokafka#1017):
with a producer that stays broken until replaced, and against the real broker with a real
out-of-order sequence number."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, OutOfOrderSequenceNumber
from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.bus.access import KafkaAccess
from civic.kafka import make_broker, outbox_sender, producer_resetter
from civic.messaging_tables import outbox_message
from civic.metrics import ServiceMetrics
from civic.outbox import Outage, OutboxRelay, OutboxRow, pending_count
from civic.pseudonyms import Pseudonyms
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import ApplicationSubmitted
from contracts.samples import sample
from devstack.infra import Infra
from devstack.journeys.db import wait_until

pytestmark = pytest.mark.integration

PSEUDONYMS = Pseudonyms(b"civic-producer-reset-test-key-32")


class BrokenProducer:
    """Acks rows like Kafka until ``break_after`` sends; then fails every send with
    OutOfOrderSequenceNumber, as aiokafka does, until the relay replaces the producer."""

    def __init__(self, *, break_after: int) -> None:
        self.sent: list[str] = []
        self.failures = 0
        self.resets = 0
        self._break_after = break_after
        self._broken = False

    async def send(self, row: OutboxRow) -> Awaitable[Any]:
        ack: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if len(self.sent) == self._break_after and not self.resets:
            self._broken = True
        if self._broken:
            self.failures += 1
            ack.set_exception(OutOfOrderSequenceNumber())  # fails on the ack, as aiokafka's do
            return ack
        self.sent.append(row.event_id)
        ack.set_result(None)
        return ack

    async def reset(self) -> None:
        self.resets += 1
        self._broken = False


async def commit_rows(db: async_sessionmaker[AsyncSession], count: int) -> list[str]:
    """Outbox rows for ``count`` events of three people (several waves)."""
    people = [uuid.uuid4() for _ in range(3)]
    events = [submitted(people[n % 3]) for n in range(count)]
    rows = [
        {
            "event_id": e.event_id,
            "event_type": e.event_type,
            "topic": "test.relay.v1",
            "key": e.subject_key,
            "payload": e.model_dump_json(),
            "headers": {},
        }
        for e in events
    ]
    async with db() as session, session.begin():
        await session.execute(insert(outbox_message), rows)
    return [str(e.event_id) for e in events]


def submitted(person: uuid.UUID) -> ApplicationSubmitted:
    return sample(ApplicationSubmitted, person_id=person, subject_key=str(person))


async def test_a_fatal_producer_error_replaces_the_producer_once_and_loses_nothing(
    db: async_sessionmaker[AsyncSession],
) -> None:
    events = await commit_rows(db, 9)
    kafka = BrokenProducer(break_after=2)
    relay = OutboxRelay(db, kafka.send, reset_producer=kafka.reset)
    running = asyncio.create_task(relay.run())
    try:
        await wait_until(lambda: _none_pending(db), timeout=30)
    finally:
        relay.stop()
        await running
    assert kafka.resets == 1
    assert kafka.failures >= 1  # the producer did break, and the relay got past it
    assert Counter(kafka.sent) == Counter(events)  # each row published once, none lost


async def test_an_ordinary_outage_keeps_the_producer(db: async_sessionmaker[AsyncSession]) -> None:
    await commit_rows(db, 2)
    resets = 0

    async def away(row: OutboxRow) -> Awaitable[Any]:
        raise KafkaConnectionError("broker away")

    async def reset() -> None:
        nonlocal resets
        resets += 1

    with pytest.raises(Outage):
        await OutboxRelay(db, away, reset_producer=reset).drain_once()
    assert resets == 0


async def test_the_real_producer_is_replaced_after_an_out_of_order_sequence(
    db: async_sessionmaker[AsyncSession], infra: Infra
) -> None:
    person = uuid.uuid4()
    first, second, third = (submitted(person) for _ in range(3))
    metrics = ServiceMetrics()
    broker = make_broker(
        infra.kafka, client_id="civic-reset-test", tracer_provider=TracerProvider()
    )
    await broker.start()
    try:
        relay = OutboxRelay(
            db,
            outbox_sender(broker),
            reset_producer=producer_resetter(broker, metrics=metrics),
        )
        await emit(db, first)
        assert await relay.drain_once() == 2  # the event and its big-data mirror
        broken = producer_of(broker)
        skip_sequence_numbers(broken)  # the broker now sees a gap: OutOfOrderSequenceNumber
        await emit(db, second)
        with pytest.raises(Outage) as outage:
            await relay.drain_once()
        assert isinstance(outage.value.__cause__, OutOfOrderSequenceNumber)
        assert producer_of(broker) is not broken and broken._closed
        await emit(db, third)
        assert await relay.drain_once() >= 2  # the second again, and the third
        assert await pending_count(db) == 0
    finally:
        await broker.stop()
    assert metrics.registry.get_sample_value("civic_outbox_producer_resets_total") == 1
    want = [str(e.event_id) for e in (first, second, third)]
    records = await read_topic(infra.kafka, topics.INTAKE_APPLICATIONS, set(want))
    assert [dict(r.headers)["x-event-id"].decode() for r in records] == want  # once, in order


async def test_a_reset_producer_publishes_again(infra: Infra) -> None:
    metrics = ServiceMetrics()
    broker = make_broker(
        infra.kafka, client_id="civic-reset-test", tracer_provider=TracerProvider()
    )
    await broker.start()
    before, after, key = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    try:
        await publish(broker, before, key=key)  # one key: one partition, so one order
        old_id = producer_of(broker)._txn_manager.producer_id
        await producer_resetter(broker, metrics=metrics)()
        await publish(broker, after, key=key)
        assert producer_of(broker)._txn_manager.producer_id != old_id  # a new producer id
    finally:
        await broker.stop()
    records = await read_topic(infra.kafka, topics.INTAKE_APPLICATIONS, {before, after})
    assert [dict(r.headers)["x-event-id"].decode() for r in records] == [before, after]
    assert metrics.registry.get_sample_value("civic_outbox_producer_resets_total") == 1


async def _none_pending(db: async_sessionmaker[AsyncSession]) -> bool:
    return await pending_count(db) == 0


async def emit(db: async_sessionmaker[AsyncSession], event: ApplicationSubmitted) -> None:
    async with UnitOfWork(db, pseudonyms=PSEUDONYMS) as uow:
        uow.emit(event)
        await uow.commit()


async def publish(broker: KafkaBroker, event_id: str, *, key: str) -> None:
    row = OutboxRow(0, event_id, "test.reset", topics.INTAKE_APPLICATIONS, key, "{}", {})
    await (await outbox_sender(broker)(row))


def producer_of(broker: KafkaBroker) -> AIOKafkaProducer:
    """The AIOKafkaProducer the broker publishes with now."""
    return broker.config.broker_config.producer._producer.producer  # type: ignore[attr-defined,no-any-return]


def skip_sequence_numbers(producer: AIOKafkaProducer) -> None:
    """Moves the producer's sequence numbers ahead of what the broker has, as a lost batch
    would: the broker refuses its next batch on each partition with OutOfOrderSequenceNumber."""
    txn = producer._txn_manager
    for tp in list(txn._sequence_numbers):
        txn.increment_sequence_number(tp, 5)


async def read_topic(access: KafkaAccess, topic: str, want: set[str]) -> list[Any]:
    """Reads ``topic`` from the start until every event id in ``want`` was seen."""
    consumer = AIOKafkaConsumer(
        topic, **access.aiokafka(), auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    found: list[Any] = []
    try:
        async with asyncio.timeout(30):
            while want - {dict(r.headers)["x-event-id"].decode() for r in found}:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    found.extend(r for r in records if _event_id(r) in want)
    finally:
        await consumer.stop()
    return found


def _event_id(record: Any) -> str:
    return str(dict(record.headers).get("x-event-id", b"").decode())
