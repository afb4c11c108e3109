"""Creates each provider's own topics when it is registered (the broker auto-creates nothing).

Three topics per provider: ``dispatch.provider.<code>.v1`` (its orders, read only by it),
``provider.<code>.replies.v1`` (its answers, written only by it) and the replies'
dead-letter topic. Creation is idempotent, so registration retries and the start-up
repair are harmless. Kafka ACLs per provider principal are set by operations, not here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from contracts import topics

log = logging.getLogger(__name__)
_TOPIC_EXISTS = TopicAlreadyExistsError.errno


def provider_topic_names(code: str) -> tuple[str, ...]:
    """The topics a provider needs."""
    replies = topics.provider_replies(code)
    return (topics.provider_orders(code), replies, topics.dlq(replies))


class TopicAdmin:
    """Idempotent creation of provider topics through Kafka's admin API."""

    def __init__(self, bootstrap_servers: str, *, partitions: int, replication: int) -> None:
        self._bootstrap = bootstrap_servers
        self._partitions = partitions
        self._replication = replication

    async def ensure(self, codes: Iterable[str]) -> list[str]:
        """Creates the missing topics of these providers; returns the names it created."""
        wanted = [name for code in codes for name in provider_topic_names(code)]
        if not wanted:
            return []
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, request_timeout_ms=15000)
        await admin.start()
        try:
            missing = [n for n in wanted if n not in set(await admin.list_topics())]
            if missing:
                await self._create(admin, missing)
                await _await_leaders(admin, missing)
            return missing
        finally:
            await admin.close()

    async def _create(self, admin: AIOKafkaAdminClient, names: list[str]) -> None:
        new = [NewTopic(n, self._partitions, self._replication) for n in names]
        response = await admin.create_topics(new)
        # aiokafka reports per-topic failures in the response instead of raising them.
        for name, code, *_ in response.topic_errors:
            if code not in (0, _TOPIC_EXISTS):
                raise RuntimeError(f"cannot create topic {name}: error code {code}")
        log.info("created provider topics %s", ", ".join(names))


async def _await_leaders(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    # Creation answers before every broker knows the topic; the relay's first send would fail.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        described = await admin.describe_topics(names)
        if len(described) == len(names) and all(_led(t) for t in described):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"provider topics have no leader yet: {names}")


def _led(topic: dict[str, object]) -> bool:
    partitions = topic.get("partitions") or []
    assert isinstance(partitions, list)
    return (
        topic.get("error_code") == 0
        and bool(partitions)
        and all(p["leader"] >= 0 for p in partitions)
    )
