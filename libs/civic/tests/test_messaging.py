"""Outbox, inbox and dead letters against a real Kafka broker and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Text, Uuid, column, select, table, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.bus.access import KafkaAccess
from civic.kafka import make_broker, outbox_sender
from civic.messaging_tables import outbox_message
from civic.metrics import ServiceMetrics
from civic.outbox import OutboxRelay, pending_count
from civic.pseudonyms import Pseudonyms
from civic.uow import UnitOfWork
from contracts import topics
from contracts.intake import ApplicationSubmitted
from contracts.samples import sample
from devstack.infra import Infra

pytestmark = pytest.mark.integration

#: The ``effect`` table conftest creates in ``db``.
effect = table("effect", column("event_id", Uuid), column("note", Text))
#: The big-data platform's pseudonyms, as the runtime hands them to every unit of work.
PSEUDONYMS = Pseudonyms(b"civic-messaging-test-platform-k!")


def unit_of_work(db: async_sessionmaker[AsyncSession]) -> UnitOfWork:
    return UnitOfWork(db, pseudonyms=PSEUDONYMS)


def submitted(person: uuid.UUID | None = None) -> ApplicationSubmitted:
    person = person or uuid.uuid4()
    return sample(ApplicationSubmitted, person_id=person, subject_key=str(person))


async def read_topic(
    bootstrap: KafkaAccess, topic: str, want: set[str], timeout: float = 20
) -> list[Any]:
    """Reads ``topic`` from the start until every event id in ``want`` was seen."""
    consumer = AIOKafkaConsumer(
        topic,
        **bootstrap.aiokafka(),
        auto_offset_reset="earliest",
        group_id=None,
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Any] = []
    try:
        async with asyncio.timeout(timeout):
            while want - {dict(r.headers).get("x-event-id", b"").decode() for r in found}:
                batch = await consumer.getmany(timeout_ms=500)
                for recs in batch.values():
                    found.extend(
                        r for r in recs if dict(r.headers).get("x-event-id", b"").decode() in want
                    )
    finally:
        await consumer.stop()
    return found


async def test_events_leave_only_with_their_committed_state_change(
    db: async_sessionmaker[AsyncSession],
) -> None:
    kept, dropped = submitted(), submitted()
    async with unit_of_work(db) as uow:
        uow.emit(kept)
        await uow.commit()
    async with unit_of_work(db) as uow:
        uow.emit(dropped)  # never committed: the block ends without commit()
    async with db() as s:
        rows = (await s.execute(select(outbox_message.c.topic, outbox_message.c.payload))).all()
    by_topic = dict(rows)
    assert set(by_topic) == {topics.INTAKE_APPLICATIONS, topics.BIGDATA_EVENTS}
    assert str(kept.event_id) in by_topic[topics.INTAKE_APPLICATIONS]
    # the big-data mirror names its source by pseudonym only: no id in clear, no name
    mirror = by_topic[topics.BIGDATA_EVENTS]
    assert str(PSEUDONYMS(str(kept.event_id))) in mirror
    assert str(PSEUDONYMS(str(kept.person_id))) in mirror
    assert str(kept.event_id) not in mirror and str(kept.person_id) not in mirror
    assert str(dropped.event_id) not in "".join(by_topic.values())


async def test_the_relay_publishes_in_order_keyed_by_person_with_trace_headers(
    db: async_sessionmaker[AsyncSession], infra: Infra
) -> None:
    person = uuid.uuid4()
    events = [submitted(person) for _ in range(5)]
    async with unit_of_work(db) as uow:
        for e in events:
            uow.emit(e)
        await uow.commit()
    tp = TracerProvider()
    broker = make_broker(infra.kafka, client_id="civic-test", tracer_provider=tp)
    await broker.start()
    try:
        relay = OutboxRelay(db, outbox_sender(broker))
        assert await relay.drain_once() == 10  # five events and their big-data mirrors
        assert await relay.drain_once() == 0
    finally:
        await broker.stop()
    records = await read_topic(
        infra.kafka, topics.INTAKE_APPLICATIONS, {str(e.event_id) for e in events}
    )
    assert [dict(r.headers)["x-event-id"].decode() for r in records] == [
        str(e.event_id) for e in events
    ]
    assert {r.key for r in records} == {str(person).encode()}
    assert all(b"traceparent" not in r.value for r in records)
    assert await pending_count(db) == 0


def sample_value(exposition: bytes, name: str) -> float:
    (line,) = [ln for ln in exposition.decode().splitlines() if ln.startswith(name + " ")]
    return float(line.rsplit(" ", 1)[1])


async def test_metrics_show_the_outbox_backlog_until_the_relay_sends_it(
    db: async_sessionmaker[AsyncSession], infra: Infra
) -> None:
    metrics = ServiceMetrics()
    assert sample_value(await metrics.render(db), "civic_outbox_pending_events") == 0
    async with unit_of_work(db) as uow:
        uow.emit(submitted())
        await uow.commit()
    async with db() as session, session.begin():
        # As if the broker had been away for a minute since the event was committed.
        await session.execute(
            text(
                "update outbox_message set created_at = now() - interval '60 seconds'"
                " where published_at is null"
            )
        )
    waiting = await metrics.render(db)
    assert sample_value(waiting, "civic_outbox_pending_events") == 2  # the event and its mirror
    assert sample_value(waiting, "civic_outbox_oldest_pending_seconds") >= 60
    broker = make_broker(infra.kafka, client_id="civic-test", tracer_provider=TracerProvider())
    await broker.start()
    try:
        await OutboxRelay(db, outbox_sender(broker)).drain_once()
    finally:
        await broker.stop()
    sent = await metrics.render(db)
    assert sample_value(sent, "civic_outbox_pending_events") == 0
    assert sample_value(sent, "civic_outbox_oldest_pending_seconds") == 0


async def test_two_relays_never_publish_a_row_twice(
    db: async_sessionmaker[AsyncSession], infra: Infra
) -> None:
    events = [submitted() for _ in range(60)]
    async with unit_of_work(db) as uow:
        for e in events:
            uow.emit(e)
        await uow.commit()
    broker = make_broker(infra.kafka, client_id="civic-test", tracer_provider=TracerProvider())
    await broker.start()
    try:
        relays = [OutboxRelay(db, outbox_sender(broker), batch_size=7) for _ in range(2)]

        async def drain(relay: OutboxRelay) -> int:
            total = 0
            while n := await relay.drain_once():
                total += n
            return total

        counts = await asyncio.gather(*(drain(r) for r in relays))
    finally:
        await broker.stop()
    assert sum(counts) == 120  # with the mirrors
    records = await read_topic(
        infra.kafka, topics.INTAKE_APPLICATIONS, {str(e.event_id) for e in events}
    )
    assert len(records) == 60


async def test_the_relay_continues_the_trace_of_the_request_that_wrote_the_row(
    db: async_sessionmaker[AsyncSession], infra: Infra
) -> None:
    exporter = InMemorySpanExporter()
    tp = TracerProvider()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    event = submitted()
    with tp.get_tracer("t").start_as_current_span("POST /applications") as request_span:
        async with unit_of_work(db) as uow:
            uow.emit(event)
            await uow.commit()
    broker = make_broker(infra.kafka, client_id="civic-test", tracer_provider=tp)
    await broker.start()
    try:
        await OutboxRelay(db, outbox_sender(broker)).drain_once()
    finally:
        await broker.stop()
    [record] = await read_topic(infra.kafka, topics.INTAKE_APPLICATIONS, {str(event.event_id)})
    trace_id = format(request_span.get_span_context().trace_id, "032x")
    assert dict(record.headers)["traceparent"].decode().split("-")[1] == trace_id
    producer_spans = [s for s in exporter.get_finished_spans() if s.kind == trace.SpanKind.PRODUCER]
    request_trace = request_span.get_span_context().trace_id
    of_step = [s for s in producer_spans if topics.BIGDATA_EVENTS not in s.name]
    assert of_step and all(s.context.trace_id == request_trace for s in of_step)
    # The mirror's record starts a trace of its own: a shared trace id would join it to the step.
    of_mirror = [s for s in producer_spans if topics.BIGDATA_EVENTS in s.name]
    assert of_mirror and all(s.context.trace_id != request_trace for s in of_mirror)


_SPANS_PROBE = """
import asyncio, sys
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import func, select
from civic.db import make_engine
from civic.telemetry import instrument_engine

async def main():
    exporter = InMemorySpanExporter()
    tp = TracerProvider()
    tp.add_span_processor(SimpleSpanProcessor(exporter))
    engine = make_engine(sys.argv[1], pool_size=1)
    instrument_engine(engine, tp)
    with tp.get_tracer("t").start_as_current_span("parent"):
        async with engine.connect() as conn:
            await conn.execute(select(func.now()))
    await engine.dispose()
    print("\\n".join(s.name for s in exporter.get_finished_spans()))

asyncio.run(main())
"""


def test_database_spans_are_recorded_on_sqlalchemy_2_1(infra: Infra) -> None:
    # The instrumentor is a process-wide singleton (the first engine wins), so the
    # check runs in a fresh interpreter, as a service process would.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _SPANS_PROBE, infra.database_url("postgres")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    names = done.stdout.split()
    assert any(n.startswith("SELECT") for n in names), (names, done.stderr[-500:])
