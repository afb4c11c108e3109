"""``civic_kafka_consumer_lag{topic,group,partition}``: end offset minus the group's committed
offset, read in the background by each service as its own principal."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError

from civic.background import watch_consumer_lag
from civic.bus.access import KafkaAccess
from civic.consumer import TopicConsumer
from civic.consumer_lag import Lags, consumer_lags
from contracts import topics
from devstack.infra import Infra

from .service_apps import FakeRuntime, exported

pytestmark = pytest.mark.integration


async def produce(access: KafkaAccess, topic: str, partition: int, n: int) -> None:
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all")
    await producer.start()
    try:
        for i in range(n):
            await producer.send_and_wait(topic, f"m{i}".encode(), partition=partition)
    finally:
        await producer.stop()


async def commit(access: KafkaAccess, group: str, tp: TopicPartition, offset: int) -> None:
    """Commits ``offset`` for ``group`` as a consumer of that group would after a batch."""
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.commit({tp: offset})
    finally:
        await consumer.stop()


async def lags_of(access: KafkaAccess, subscriptions: list[tuple[str, str]]) -> Lags:
    """``consumer_lags``, waiting out a fresh broker electing the group's coordinator (the
    service's job simply tries again at its next interval)."""
    for _ in range(60):
        try:
            return await consumer_lags(access, subscriptions)
        except KafkaError as exc:
            if not exc.retriable:
                raise
            await asyncio.sleep(0.5)
    pytest.fail("the group coordinator did not answer within 30 s")


def fresh_topic(infra: Infra, partitions: int = 2) -> str:
    name = f"lag-test-{uuid.uuid4().hex[:8]}"
    infra.create_topics([name], partitions=partitions)
    return name


async def test_lag_is_what_a_stopped_group_has_not_read(infra: Infra) -> None:
    topic, group = fresh_topic(infra), f"lag-test-{uuid.uuid4().hex[:8]}"
    await produce(infra.kafka, topic, 0, 5)
    await produce(infra.kafka, topic, 1, 2)
    lags = await lags_of(infra.kafka, [(topic, group)])
    assert lags == {(topic, group, 0): 5, (topic, group, 1): 2}
    await commit(infra.kafka, group, TopicPartition(topic, 0), 3)
    lags = await lags_of(infra.kafka, [(topic, group)])
    assert lags == {(topic, group, 0): 2, (topic, group, 1): 2}


async def test_dispatch_reads_the_lag_of_every_providers_reply_topic(infra: Infra) -> None:
    from dispatch.adapters.provider_bus import ProviderBus  # registering makes its topics

    code = f"lg{uuid.uuid4().hex[:6]}"
    await ProviderBus(infra.access("dispatch-provisioner"), partitions=1, replication=1).open(
        [code]
    )
    replies = topics.provider_replies(code)
    await produce(infra.kafka, replies, 0, 3)
    # As dispatch itself: READ on the provider.* prefix and on group dispatch is enough.
    lags = await lags_of(infra.access("dispatch"), [(topics.PROVIDER_REPLIES_FAMILY, "dispatch")])
    assert lags[(replies, "dispatch", 0)] == 3


async def test_the_service_job_exports_the_lag_in_the_background(infra: Infra) -> None:
    topic, group = fresh_topic(infra, partitions=1), f"lag-test-{uuid.uuid4().hex[:8]}"
    consumer = TopicConsumer(topic, group=group)
    runtime = FakeRuntime(infra.kafka, [type("P", (), {"consumer": consumer})()])
    await produce(infra.kafka, topic, 0, 4)
    wanted = f'civic_kafka_consumer_lag{{group="{group}",partition="0",topic="{topic}"}} 4.0'
    await exported(runtime, watch_consumer_lag(runtime, interval_s=0.2), wanted)  # type: ignore[arg-type]
