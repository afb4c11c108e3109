"""Through Kafka with the app running: the demo catalogue at start, a service to a ledger line."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from civic.bus.access import KafkaAccess
from civic.uow import UnitOfWork
from contracts import topics
from contracts.enums import FeeUnit
from contracts.registry import parse
from contracts.settlement import CatalogueVersionPublished, LedgerLinePosted
from devstack.infra import Infra
from devstack.journeys.metrics import consumed
from settlement.consumers import GROUP
from settlement.handlers.catalogue import seed_demo_catalogues

pytestmark = pytest.mark.integration


async def read_topic(
    bootstrap: KafkaAccess, topic: str, want: Callable[[list[Any]], bool], timeout: float = 60
) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        **bootstrap.aiokafka(),
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen: list[Any] = []
    try:
        async with asyncio.timeout(timeout):
            while not want(seen):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    seen.extend(parse(topic, r.value) for r in records)
    finally:
        await consumer.stop()
    return seen


async def eventually(read: Callable[[], Any], timeout: float = 60) -> Any:
    """Polls until ``read`` returns something (the consumers work in the background)."""
    async with asyncio.timeout(timeout):
        for attempt in itertools.count():
            if found := await read():
                return found
            await asyncio.sleep(min(0.1 * (attempt + 1), 1.0))
    return None


async def publish(bootstrap: KafkaAccess, *events: Any) -> None:
    producer = AIOKafkaProducer(**bootstrap.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                event.TOPIC, event.to_json_bytes(), key=event.subject_key.encode()
            )
    finally:
        await producer.stop()


async def test_settlement_the_demo_catalogue_is_published_at_start(
    infra: Infra, client: httpx.AsyncClient, db: Any, auth: Callable[..., dict[str, str]]
) -> None:
    def complete(seen: list[Any]) -> bool:
        return {e.county_code for e in seen} >= {
            "341702",
            "341721",
            "341722",
            "341723",
            "341791",
            "341792",
        }

    events = await read_topic(infra.kafka, topics.SETTLEMENT_CATALOGUE, complete)
    firsts = {
        e.county_code: e
        for e in events
        if isinstance(e, CatalogueVersionPublished) and e.version == 1
    }
    assert len(firsts) == 6
    for event in firsts.values():
        assert event.subject_key == event.county_code
        assert event.effective_from == date(2023, 4, 1)
        assert len(event.items) == 16
        assert all(item.is_example for item in event.items)
        assert {i.item_code: i.fee_fen for i in event.items}["LC-01"] == 3000
    assert (
        await seed_demo_catalogues(uow_factory=lambda: UnitOfWork(db)) == 0
    )  # a restart adds nothing

    answer = await client.get(
        "/catalogue/341791",
        params={"on": "2024-05-06"},
        headers=auth("village_staff", "341791001201"),
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["version"], body["is_example"], len(body["items"])) == (1, True, 16)


async def test_settlement_a_service_delivered_on_kafka_becomes_a_ledger_line(
    infra: Infra, client: httpx.AsyncClient, scenario: Callable[..., Any]
) -> None:
    world = scenario("341723100")
    who = world.approval(date(2024, 1, 1))
    order = world.ordering(who, "LC-02", FeeUnit.DAY)
    delivered = world.delivery(order, date(2024, 5, 13), quantity=2)
    # Three topics, no order between them: the service may arrive first and waits.
    await publish(infra.kafka, delivered)
    await publish(infra.kafka, order, who)
    [line] = await eventually(world.lines)
    assert (line.kind, line.record_id, line.quantity, line.amount_fen) == (
        "charge",
        delivered.record_id,
        2,
        12_000,
    )
    posted = await read_topic(
        infra.kafka,
        topics.SETTLEMENT_LEDGER,
        lambda seen: any(getattr(e, "line_id", None) == line.line_id for e in seen),
    )
    [event] = [e for e in posted if isinstance(e, LedgerLinePosted) and e.line_id == line.line_id]
    assert (event.subject_key, event.period, event.amount_fen) == (
        str(who.person_id),
        "2024-05",
        12_000,
    )
    # Redelivered: the consumer says it saw a duplicate, and the ledger has nothing more.
    seen_before = await duplicates(client)
    await publish(infra.kafka, delivered)

    async def absorbed() -> bool:
        return await duplicates(client) > seen_before

    await eventually(absorbed)
    assert len(await world.lines()) == 1


async def duplicates(client: httpx.AsyncClient) -> float:
    return await consumed(client, topic=topics.DISPATCH_SERVICES, group=GROUP, outcome="duplicate")
