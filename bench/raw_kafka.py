"""The raw limit for a Kafka hop: aiokafka produce → consume round trip on this machine,
over the same SCRAM-over-TLS connections the services use."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from civic.bus.access import KafkaAccess


async def _fresh_topic(access: KafkaAccess) -> str:
    name = f"bench.rtt.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    return name


async def round_trips(
    access: KafkaAccess, count: int = 300, payload_size: int = 1024
) -> list[float]:
    """Measures ``count`` serial produce→consume round trips (seconds each), acks=all."""
    topic = await _fresh_topic(access)
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    consumer = AIOKafkaConsumer(
        topic,
        **access.aiokafka(),
        auto_offset_reset="earliest",
        group_id=None,
        fetch_max_wait_ms=10,
    )
    await producer.start()
    await consumer.start()
    body = b"x" * payload_size
    samples: list[float] = []
    try:
        for _ in range(count + 20):
            start = time.perf_counter()
            await producer.send_and_wait(topic, body)
            await consumer.getone()
            samples.append(time.perf_counter() - start)
    finally:
        await producer.stop()
        await consumer.stop()
    return samples[20:]  # the first round trips pay for connections and metadata


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


if __name__ == "__main__":
    import sys

    rt = asyncio.run(round_trips(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:19092"))
    print(" ".join(f"p{q}={percentile(rt, q) * 1000:.1f}ms" for q in (50, 95, 99)))
