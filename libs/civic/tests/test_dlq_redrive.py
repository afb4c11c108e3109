"""Dead letters are kept until re-driven, and a re-drive interrupted halfway resumes: every
letter arrives once on the original topic, none lost, none twice (counted on the topic)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, ResourceType

from civic.bus.access import KafkaAccess
from civic.bus.grants import OPERATIONS
from civic.bus.platform import DLQ_CONFIG
from civic.dlq_cli import list_letters, redrive
from contracts import topics
from devstack.infra import Infra

pytestmark = pytest.mark.integration

#: No civic test consumes or dead-letters this topic: every letter on its DLQ is ours.
ORIGINAL = topics.DISPATCH_DOORBELL


class Crash(Exception):
    """Stands for the process dying."""


async def dead_letter(access: KafkaAccess, original: str, marker: str, n: int) -> list[str]:
    """Writes ``n`` dead letters (as the consumers' DeadLetterPublisher would)."""
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    ids = [f"{marker}-{i}" for i in range(n)]
    try:
        for i, event_id in enumerate(ids):
            headers = [
                ("x-event-id", event_id.encode()),
                ("x-event-type", b"dispatch.DoorbellPressed"),
                ("x-dlq-original-topic", original.encode()),
                ("x-dlq-error", b"RuntimeError: boom"),
            ]
            key = f"person-{i % 5}".encode()  # spread over partitions
            await producer.send_and_wait(
                topics.dlq(original), event_id.encode(), key=key, headers=headers
            )
    finally:
        await producer.stop()
    return ids


async def read_topic(access: KafkaAccess, topic: str, since: dict[int, int]) -> list[Any]:
    """Every record of ``topic`` after the offsets ``since`` (as the super user)."""
    consumer = AIOKafkaConsumer(**access.aiokafka(), enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in sorted(since)]
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, since[tp.partition])
        end = await consumer.end_offsets(tps)
        records: list[Any] = []
        async with asyncio.timeout(30):
            while [tp for tp in tps if await consumer.position(tp) < end[tp]]:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    records += batch
        return records
    finally:
        await consumer.stop()


async def end_offsets(access: KafkaAccess, topic: str) -> dict[int, int]:
    meta = await asyncio.to_thread(AdminClient(_config(access)).list_topics, topic, 30)
    tps = [TopicPartition(topic, p) for p in meta.topics[topic].partitions]
    consumer = AIOKafkaConsumer(**access.aiokafka())
    await consumer.start()
    try:
        return {tp.partition: offset for tp, offset in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


def _config(access: KafkaAccess) -> dict[str, Any]:
    return dict(access.confluent())


def crash_after_ack(monkeypatch: pytest.MonkeyPatch, sends: int) -> list[bytes]:
    """Makes the ``sends``-th producer send die right after the broker acknowledged it."""
    real_send = AIOKafkaProducer.send
    sent: list[bytes] = []

    async def send(
        self: AIOKafkaProducer, topic: str, value: Any = None, *a: Any, **kw: Any
    ) -> Any:
        future = await real_send(self, topic, value, *a, **kw)
        if topic != ORIGINAL:
            return future
        sent.append(value)
        if len(sent) == sends:
            await future  # durable on the broker; the process dies before anything else
            raise Crash(f"killed after {sends} re-driven letters")
        return future

    monkeypatch.setattr(AIOKafkaProducer, "send", send)
    return sent


@pytest.mark.parametrize("crash_at", [1, 4, 10])
async def test_an_interrupted_redrive_resumes_without_loss_or_double_sends(
    infra: Infra, monkeypatch: pytest.MonkeyPatch, crash_at: int
) -> None:
    ops = infra.access(OPERATIONS)
    await redrive(ops, ORIGINAL)  # whatever an earlier test left (none expected)
    since = await end_offsets(infra.kafka, ORIGINAL)
    marker = uuid.uuid4().hex[:12]
    ids = await dead_letter(infra.kafka, ORIGINAL, marker, 10)

    sent = crash_after_ack(monkeypatch, sends=crash_at)
    with pytest.raises(Crash):
        await redrive(ops, ORIGINAL, batch_size=3)
    assert len(sent) == crash_at
    monkeypatch.undo()  # the operator runs it again

    second = await redrive(ops, ORIGINAL, batch_size=3)
    arrived = [
        r for r in await read_topic(infra.kafka, ORIGINAL, since) if marker in r.value.decode()
    ]
    counts = Counter(r.value.decode() for r in arrived)
    assert set(counts) == set(ids), f"lost: {sorted(set(ids) - set(counts))}"
    assert [i for i, n in counts.items() if n > 1] == [], "sent twice"
    assert second == 10 - len(sent)  # exactly the rest
    assert await redrive(ops, ORIGINAL) == 0
    for r in arrived:
        headers = dict(r.headers)
        assert headers["x-event-id"] == r.value  # the letter's own event id and payload
        assert headers["x-redriven-from"].decode().startswith(f"{topics.dlq(ORIGINAL)}@")
        assert not any(k.startswith("x-dlq-") for k in headers)


async def test_redrive_of_a_letter_redriven_before_carries_one_origin(infra: Infra) -> None:
    ops = infra.access(OPERATIONS)
    await redrive(ops, ORIGINAL)
    since = await end_offsets(infra.kafka, ORIGINAL)
    marker = uuid.uuid4().hex[:12]
    producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all")
    await producer.start()
    stale = [("x-redriven-from", b"old@0:1"), ("x-dlq-error", b"again")]
    await producer.send_and_wait(topics.dlq(ORIGINAL), marker.encode(), headers=stale)
    await producer.stop()
    assert await redrive(ops, ORIGINAL) == 1
    [record] = [
        r for r in await read_topic(infra.kafka, ORIGINAL, since) if r.value == marker.encode()
    ]
    origins = [v for k, v in record.headers if k == "x-redriven-from"]
    assert len(origins) == 1 and origins[0] != b"old@0:1"


async def test_operations_lists_letters_without_moving_the_redrive_group(infra: Infra) -> None:
    ops = infra.access(OPERATIONS)
    marker = uuid.uuid4().hex[:12]
    await dead_letter(infra.kafka, ORIGINAL, marker, 2)
    listed = [x for x in await list_letters(ops, ORIGINAL) if marker in str(x["value"])]
    assert len(listed) == 2
    assert await redrive(ops, ORIGINAL) >= 2


def _retention(access: KafkaAccess, names: list[str]) -> dict[str, dict[str, str]]:
    admin = AdminClient(_config(access))
    resources = [ConfigResource(ResourceType.TOPIC, n) for n in names]
    found: dict[str, dict[str, str]] = {}
    for resource, future in admin.describe_configs(resources).items():
        entries = future.result(timeout=30)
        found[resource.name] = {k: entries[k].value for k in DLQ_CONFIG}
    return found


def test_the_launchers_dead_letter_topics_keep_letters_forever(infra: Infra) -> None:
    dlqs = [topics.dlq(t) for t in topics.PLATFORM_TOPICS]
    described = _retention(infra.access(OPERATIONS), dlqs)
    assert described == dict.fromkeys(dlqs, DLQ_CONFIG)


async def test_providers_reply_dead_letter_topics_keep_letters_forever(infra: Infra) -> None:
    # dispatch makes these when a county registers a provider (its provisioning principal).
    from dispatch.adapters.provider_bus import ProviderBus

    code = f"dlq{uuid.uuid4().hex[:6]}"
    bus = ProviderBus(infra.access("dispatch-provisioner"), partitions=1, replication=1)
    await bus.open([code])
    dlq = topics.dlq(topics.provider_replies(code))
    assert _retention(infra.access(OPERATIONS), [dlq]) == {dlq: DLQ_CONFIG}
    original = topics.provider_orders(code)
    assert _retention(infra.kafka, [original])[original]["retention.ms"] != "-1"
