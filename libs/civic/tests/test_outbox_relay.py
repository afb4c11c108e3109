"""The outbox relay against PostgreSQL: per-ack marking, poison rows parked, per-key order,
outages waited out, one relay per database. Kafka is played by a sender whose acks the test
decides (the relay's Kafka path is tested in test_messaging.py against the real broker)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import messaging_metadata, outbox_message
from civic.outbox import Outage, OutboxRelay, OutboxRow
from civic.outbox_cli import free, parked_rows
from civic.pruning import prune_all
from contracts.intake import ApplicationSubmitted
from contracts.samples import sample
from devstack.infra import Infra

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(infra: Infra) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], str]]:
    url = infra.create_database(f"relay_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url, pool_size=4)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    yield make_sessionmaker(engine), url
    await engine.dispose()


class Kafka:
    """Acks every row, except rows whose household size says otherwise."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.down = False

    async def send(self, row: OutboxRow) -> Awaitable[Any]:
        if self.down:
            raise KafkaConnectionError("broker away")
        if '"household_size":13' in row.payload:
            raise MessageSizeTooLargeError("the message is 2 MB")
        self.sent.append(row.event_id)
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def event(person: uuid.UUID, *, poison: bool = False) -> ApplicationSubmitted:
    return sample(
        ApplicationSubmitted,
        person_id=person,
        subject_key=str(person),
        household_size=13 if poison else 2,
    )


async def commit(db: async_sessionmaker[AsyncSession], *events: ApplicationSubmitted) -> None:
    """Outbox rows as a unit of work writes them (without the big-data mirrors)."""
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


async def state(db: async_sessionmaker[AsyncSession]) -> dict[str, tuple[Any, ...]]:
    t = outbox_message.c
    async with db() as session:
        rows = await session.execute(select(t.event_id, t.published_at, t.parked_at, t.attempts))
    return {
        str(r.event_id): (r.published_at is not None, r.parked_at is not None, r.attempts)
        for r in rows
    }


async def test_a_poison_row_is_parked_and_holds_only_its_own_key_back(
    db: tuple[async_sessionmaker[AsyncSession], str],
) -> None:
    sessions, url = db
    alice, bob = uuid.uuid4(), uuid.uuid4()
    poison, behind, other = event(alice, poison=True), event(alice), event(bob)
    await commit(sessions, poison, behind, other)
    kafka = Kafka()
    relay = OutboxRelay(sessions, kafka.send, max_attempts=3)
    assert await relay.drain_once() == 1  # bob's goes; alice's second waits behind the first
    for _ in range(2):
        await relay.drain_once()
    rows = await state(sessions)
    assert rows[str(other.event_id)] == (True, False, 1)
    assert rows[str(poison.event_id)] == (False, True, 3)  # tried three times, then parked
    assert rows[str(behind.event_id)] == (False, False, 0)  # never sent before its elder
    assert kafka.sent == [str(other.event_id)]
    assert await relay.drain_once() == 0  # alice's key stays held while its row is parked
    [parked] = await parked_rows(url)
    assert parked["last_error"].startswith("MessageSizeTooLargeError")
    assert await free(url, None) == 1  # the operator sends it again after fixing the cause
    assert (await state(sessions))[str(poison.event_id)] == (False, False, 0)


async def test_an_outage_parks_nothing_and_loses_nothing(
    db: tuple[async_sessionmaker[AsyncSession], str],
) -> None:
    sessions, _ = db
    events = [event(uuid.uuid4()) for _ in range(3)]
    await commit(sessions, *events)
    kafka = Kafka()
    kafka.down = True
    relay = OutboxRelay(sessions, kafka.send, max_attempts=1)
    for _ in range(3):
        with pytest.raises(Outage):
            await relay.drain_once()
    assert set((await state(sessions)).values()) == {(False, False, 0)}
    kafka.down = False
    assert await relay.drain_once() == 3
    assert kafka.sent == [str(e.event_id) for e in events]


async def test_one_persons_events_leave_in_order_in_waves(
    db: tuple[async_sessionmaker[AsyncSession], str],
) -> None:
    sessions, _ = db
    alice, bob = uuid.uuid4(), uuid.uuid4()
    a1, b1, a2, a3, b2 = event(alice), event(bob), event(alice), event(alice), event(bob)
    await commit(sessions, a1, b1, a2, a3, b2)
    kafka = Kafka()
    assert await OutboxRelay(sessions, kafka.send).drain_once() == 5
    order = {e: i for i, e in enumerate(kafka.sent)}
    assert order[str(a1.event_id)] < order[str(a2.event_id)] < order[str(a3.event_id)]
    assert order[str(b1.event_id)] < order[str(b2.event_id)]


async def test_only_one_relay_per_database_publishes(
    db: tuple[async_sessionmaker[AsyncSession], str],
) -> None:
    sessions, _ = db
    first, second = (OutboxRelay(sessions, Kafka().send) for _ in range(2))
    assert await first.leadership.hold()
    assert not await second.leadership.hold()
    assert await first.leadership.hold()  # still its own
    await first.leadership.release()  # the first replica stops (or dies)
    assert await second.leadership.hold()
    await second.leadership.release()


async def test_pruning_forgets_only_what_is_old_enough(
    db: tuple[async_sessionmaker[AsyncSession], str],
) -> None:
    sessions, _ = db
    old, recent, unsent = (event(uuid.uuid4()) for _ in range(3))
    await commit(sessions, old, recent, unsent)
    t = outbox_message.c
    async with sessions() as session, session.begin():
        await session.execute(
            update(outbox_message)
            .where(t.event_id == old.event_id)
            .values(published_at=text("now() - interval '8 days'"))
        )
        await session.execute(
            update(outbox_message)
            .where(t.event_id == recent.event_id)
            .values(published_at=func.now())
        )
    deleted = await prune_all(sessions, {"outbox_message": timedelta(days=7)})
    assert deleted == {"outbox_message": 1}
    assert set(await state(sessions)) == {str(recent.event_id), str(unsent.event_id)}
