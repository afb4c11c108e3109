"""A plain Kafka client for tests: what a provider or the big-data platform would run.

Every connection authenticates (SCRAM over TLS) as the principal it is given: a provider's
own credentials to read its topic, the super user to watch or inject like an operator.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from civic.bus.access import KafkaAccess
from contracts.envelope import Event
from contracts.registry import parse


class TopicReader:
    """Reads a topic from the beginning with its own consumer group; parses with contracts."""

    def __init__(
        self, access: KafkaAccess, *topics: str, group_prefix: str = "e2e-reader-"
    ) -> None:
        self._consumer = AIOKafkaConsumer(
            *topics,
            **access.aiokafka(),
            group_id=f"{group_prefix}{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        self.records: list[Any] = []

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._consumer.stop()

    def events(self) -> list[Event]:
        """Every parseable event read so far."""
        out = []
        for r in self.records:
            try:
                out.append(parse(r.topic, r.value))
            except ValueError:
                continue
        return out

    async def wait_for(self, match: Callable[[Event], bool], timeout: float = 30.0) -> Event:
        """Reads until an event satisfies ``match``; fails the test on timeout."""
        async with asyncio.timeout(timeout):
            while True:
                for event in self.events():
                    if match(event):
                        return event
                batch = await self._consumer.getmany(timeout_ms=300)
                for recs in batch.values():
                    self.records.extend(recs)

    async def wait_for_raw(self, match: Callable[[Any], bool], timeout: float = 30.0) -> Any:
        """Reads until a raw record satisfies ``match``."""
        async with asyncio.timeout(timeout):
            while True:
                for record in self.records:
                    if match(record):
                        return record
                batch = await self._consumer.getmany(timeout_ms=300)
                for recs in batch.values():
                    self.records.extend(recs)


async def produce_raw(
    access: KafkaAccess,
    topic: str,
    value: bytes,
    *,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
) -> None:
    """Writes one record as any Kafka client could, bypassing every service."""
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=headers or [])
    finally:
        await producer.stop()
