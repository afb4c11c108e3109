"""Batch consumption keeps every guarantee of one-at-a-time (issue 17), on real PostgreSQL
and Kafka: duplicates inside and across batches absorbed, a poison event isolated and
dead-lettered without losing its neighbours, a batch redelivered after its commit (a crash
before the offset commit) changing nothing, two instances sharing a batch or rebalancing
mid-stream applying each event once, per-key order kept. "Once" is counted in a table with
no unique constraint: every application of a use case is a row."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.consumer import DeadLetter, Delivery, MessageProcessor, Outcome, TopicConsumer
from civic.kafka import Batching, DeadLetterPublisher, make_broker, subscribe
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import ApplicationSubmitted
from contracts.samples import sample
from devstack.infra import Infra
from devstack.journeys.db import wait_until

pytestmark = pytest.mark.integration

TOPIC = topics.INTAKE_APPLICATIONS
POISON = 13  # a household size whose use case always fails


@pytest.fixture
async def applied(db: async_sessionmaker[AsyncSession]) -> Callable[..., Any]:
    """A table with a row per application of the use case (no key: duplicates would show)."""
    async with db() as session, session.begin():
        await session.execute(
            text("create table applied (seq bigserial, event_id uuid, subject text)")
        )

    async def rows(subject: str) -> list[int]:
        """The numbers of the subject's events, in the order their use case ran (committed)."""
        async with db() as session:
            found = await session.execute(
                text("select event_id from applied where subject = :subject order by seq"),
                {"subject": subject},
            )
            return [NUMBER[event_id] for event_id in found.scalars()]

    return rows


def _consumer(group: str) -> TopicConsumer:
    consumer = TopicConsumer(TOPIC, group=group)

    @consumer.on(ApplicationSubmitted)
    async def apply(event: ApplicationSubmitted, uow: UnitOfWork) -> None:
        if event.household_size == POISON:
            raise RuntimeError("cannot apply a household of 13")
        await uow.session.execute(
            text("insert into applied (event_id, subject) values (:id, :subject)"),
            {"id": event.event_id, "subject": event.subject_key},
        )

    return consumer


def _processor(
    db: async_sessionmaker[AsyncSession], letters: list[DeadLetter], group: str = "batch-test"
) -> MessageProcessor:
    async def dead_letter(letter: DeadLetter) -> None:
        letters.append(letter)

    return MessageProcessor(
        _consumer(group),
        uow_factory=lambda: UnitOfWork(db),
        dead_letter=dead_letter,
        max_attempts=2,
        backoff_s=0.01,
    )


#: Which number each sample event is in its person's sequence (the use case records ids).
NUMBER: dict[uuid.UUID, int] = {}


def _events(subject: uuid.UUID, numbers: list[int]) -> list[ApplicationSubmitted]:
    """One event per number, in order; number 13 is the poison."""
    made = []
    for n in numbers:
        size = POISON if n == POISON else 1
        event = sample(
            ApplicationSubmitted, person_id=subject, subject_key=str(subject), household_size=size
        )
        NUMBER[event.event_id] = n
        made.append(event)
    return made


def _deliveries(events: list[ApplicationSubmitted], first_offset: int = 0) -> list[Delivery]:
    return [
        Delivery(TOPIC, 0, first_offset + i, e.subject_key.encode(), e.to_json_bytes(), {})
        for i, e in enumerate(events)
    ]


async def test_duplicates_and_a_poison_event_in_a_batch(
    db: async_sessionmaker[AsyncSession], applied: Callable[..., Any]
) -> None:
    person = uuid.uuid4()
    one, two, poison, three = _events(person, [1, 2, POISON, 3])
    letters: list[DeadLetter] = []
    processor = _processor(db, letters)
    garbage = Delivery(TOPIC, 0, 99, b"k", b"{not json", {})
    batch = [*_deliveries([one, two, one, poison, three]), garbage]
    outcomes = await processor.process_batch(batch)
    assert outcomes == [
        Outcome.APPLIED,
        Outcome.APPLIED,
        Outcome.DUPLICATE,
        Outcome.DEAD_LETTERED,
        Outcome.APPLIED,
        Outcome.DEAD_LETTERED,
    ]
    assert await applied(str(person)) == [1, 2, 3]  # once each, in order
    assert sorted(letter.attempts for letter in letters) == [1, 2]  # garbage at once; poison
    assert await processor.process_batch(_deliveries([two, three, one])) == [Outcome.DUPLICATE] * 3
    assert len(await applied(str(person))) == 3


async def test_a_batch_redelivered_after_its_commit_changes_nothing(
    db: async_sessionmaker[AsyncSession], applied: Callable[..., Any]
) -> None:
    person = uuid.uuid4()
    numbers = [n for n in range(1, 42) if n != POISON]
    batch = _deliveries(_events(person, numbers))
    processor = _processor(db, [])
    assert set(await processor.process_batch(batch)) == {Outcome.APPLIED}
    # The process died before committing the offsets: Kafka hands the same batch out again.
    assert set(await processor.process_batch(batch)) == {Outcome.DUPLICATE}
    assert await applied(str(person)) == numbers


async def test_two_instances_given_the_same_records_apply_each_once(
    db: async_sessionmaker[AsyncSession], applied: Callable[..., Any]
) -> None:
    person = uuid.uuid4()
    events = _events(person, [n for n in range(1, 202) if n != POISON])
    first, second = _processor(db, []), _processor(db, [])
    # A rebalance mid-batch: the second instance is given records the first is applying.
    outcomes = await asyncio.gather(
        first.process_batch(_deliveries(events[:150])),
        second.process_batch(_deliveries(events[50:], first_offset=50)),
    )
    flat = [o for batch in outcomes for o in batch]
    assert flat.count(Outcome.APPLIED) == 200 and flat.count(Outcome.DUPLICATE) == 100
    assert sorted(await applied(str(person))) == [n for n in range(1, 202) if n != POISON]


@pytest.fixture
def group() -> str:
    return f"batch-{uuid.uuid4().hex[:8]}"


async def _instance(infra: Infra, db: async_sessionmaker[AsyncSession], group: str) -> KafkaBroker:
    broker = make_broker(infra.kafka, client_id=group, tracer_provider=TracerProvider())
    processor = MessageProcessor(
        _consumer(group),
        uow_factory=lambda: UnitOfWork(db),
        dead_letter=DeadLetterPublisher(broker),
        max_attempts=2,
        backoff_s=0.01,
    )
    subscribe(broker, processor, batching=Batching(workers=2, max_records=50, wait_ms=20))
    await broker.start()
    return broker


async def test_instances_joining_and_leaving_mid_stream_lose_and_repeat_nothing(
    infra: Infra, db: async_sessionmaker[AsyncSession], applied: Callable[..., Any], group: str
) -> None:
    people = [uuid.uuid4() for _ in range(12)]
    per_person = 60
    first = await _instance(infra, db, group)
    producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n in range(1, per_person + 1):
            for person in people:
                if n == POISON:
                    continue
                (event,) = _events(person, [n])
                await producer.send(TOPIC, event.to_json_bytes(), key=str(person).encode())
            if n == 15:
                second = await _instance(infra, db, group)  # joins: partitions move
            if n == 40:
                await first.stop()  # leaves mid-stream: its partitions move again
        await producer.flush()
    finally:
        await producer.stop()
    try:
        expected = len(people) * (per_person - 1)
        await wait_until(lambda: _all_applied(applied, people, expected), timeout=90)
    finally:
        await second.stop()
    for person in people:
        assert await applied(str(person)) == [n for n in range(1, per_person + 1) if n != POISON]


async def _all_applied(applied: Callable[..., Any], people: list[uuid.UUID], expected: int) -> bool:
    return sum([len(await applied(str(person))) for person in people]) >= expected
