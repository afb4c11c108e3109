"""How far each consumer group is behind its topics: ``civic_kafka_consumer_lag``.

The lag of one partition is its end offset (high watermark) minus the offset the group
committed there; a partition the group never committed on counts from the partition's
beginning, where the services start reading (``auto_offset_reset="earliest"``). Committed
offsets, not a live consumer's position, because they are what a restart resumes from
and what ``kafka-consumer-groups --describe`` shows an operator.

It is read as the service's own principal: READ on its topics and its group implies the
DESCRIBE that listing end offsets and a group's offsets needs (``civic.bus.grants``).
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from civic.bus.access import KafkaAccess

#: (topic, group, partition) -> messages on the partition the group has not committed past.
Lags = dict[tuple[str, str, int], int]


@contextlib.asynccontextmanager
async def _clients(
    access: KafkaAccess,
) -> AsyncIterator[tuple[AIOKafkaAdminClient, AIOKafkaConsumer]]:
    """An admin client and a consumer in no group (so reading offsets moves nothing)."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    consumer = AIOKafkaConsumer(**access.aiokafka(), group_id=None, enable_auto_commit=False)
    await admin.start()
    try:
        await consumer.start()
        try:
            yield admin, consumer
        finally:
            await consumer.stop()
    finally:
        await admin.close()


async def _topic_names(admin: AIOKafkaAdminClient, topic: str) -> list[str]:
    """``topic`` itself, or every visible topic of a family (``provider.*.replies.v1``)."""
    if "*" not in topic:
        return [topic]
    return sorted(n for n in await admin.list_topics() if fnmatch.fnmatchcase(n, topic))


async def _partitions(admin: AIOKafkaAdminClient, names: list[str]) -> list[TopicPartition]:
    if not names:
        return []
    described = await admin.describe_topics(names)
    return [
        TopicPartition(d["topic"], p["partition"])
        for d in described
        for p in d.get("partitions", [])
    ]


async def consumer_lags(access: KafkaAccess, subscriptions: Iterable[tuple[str, str]]) -> Lags:
    """The lag of every partition of each (topic or topic family, group) subscription."""
    lags: Lags = {}
    async with _clients(access) as (admin, consumer):
        for topic, group in sorted(set(subscriptions)):
            tps = await _partitions(admin, await _topic_names(admin, topic))
            if not tps:
                continue
            end = await consumer.end_offsets(tps)
            beginning = await consumer.beginning_offsets(tps)
            committed = await admin.list_consumer_group_offsets(group, partitions=tps)
            for tp in tps:
                stored = committed.get(tp)
                start = stored.offset if stored is not None and stored.offset >= 0 else -1
                lags[(tp.topic, group, tp.partition)] = end[tp] - max(start, beginning[tp])
    return lags
