"""The bus as a boundary: third parties on our Kafka get exactly their own, and nothing else.

Two providers are onboarded the way a county does it (registered, credentials issued over
dispatch's API) and then try what a careless or hostile party would; the broker must refuse
each attempt. Every attempt and refusal is counted; the system keeps working afterwards
(the providers' own access still works, and the rest of this session's tests run on).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError, TopicAuthorizationFailedError

from civic.bus.access import KafkaAccess
from civic.bus.admin import BusAdmin
from civic.bus.grants import BIGDATA, CITY_SYSTEM, Grant, Kind, Op
from civic.bus.platform import provision
from contracts import topics
from devstack.journeys import care
from devstack.journeys.application import VILLAGE, Case
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


@dataclass
class Tally:
    """Attempts made and refused by the broker, by name."""

    refused: dict[str, bool] = field(default_factory=dict)

    async def attempt(self, name: str, action: Callable[[], Awaitable[Any]]) -> None:
        """Runs ``action``; it counts as refused if Kafka raised (authorization or login)."""
        try:
            await action()
        except (KafkaError, OSError) as refusal:
            self.refused[name] = True
            print(f"refused: {name}: {type(refusal).__name__}")
        else:
            self.refused[name] = False


async def read(access: KafkaAccess, topic: str, group: str) -> None:
    """Joins ``group`` on ``topic`` and fetches once."""
    consumer = AIOKafkaConsumer(
        topic, **access.aiokafka(), group_id=group, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        await consumer.getmany(timeout_ms=2000)
        # A refused subscription surfaces on the next fetch in aiokafka.
        await consumer.getmany(timeout_ms=500)
    finally:
        await consumer.stop()


async def write(access: KafkaAccess, topic: str) -> None:
    """Sends one record to ``topic`` (acks=all, idempotent: as our own producers do)."""
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"event_type":"forged"}', key=b"k")
    finally:
        await producer.stop()


async def visible_topics(access: KafkaAccess) -> list[str]:
    """The topics ``access`` may see in the cluster's metadata."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        return list(await admin.list_topics())
    finally:
        await admin.close()


async def delete(access: KafkaAccess, topic: str) -> None:
    """Asks the broker to delete ``topic``."""
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        response = await admin.delete_topics([topic])
        codes = [code for _, code, *_ in response.topic_error_codes]
        if codes == [TopicAuthorizationFailedError.errno]:
            raise TopicAuthorizationFailedError(topic)
        assert codes == [0], f"neither deleted nor refused: {codes}"
    finally:
        await admin.close()


async def test_providers_and_the_big_data_platform_get_their_own_and_nothing_else(
    e2e_stack: Stack, tmp_path: Path
) -> None:
    api, tag = Case(e2e_stack).api, uuid.uuid4().hex[:6]
    a, b = f"bound-a-{tag}", f"bound-b-{tag}"
    for code in (a, b):
        await care.register_provider(api, code, ["LC-03"], VILLAGE)
    mine = care.access_from(await care.bus_credentials(api, a), tmp_path)
    bigdata = e2e_stack.kafka_access(BIGDATA)
    tally = Tally()
    own_group = f"provider.{a}.orders"

    await tally.attempt(
        "A reads B's orders", lambda: read(mine, topics.provider_orders(b), own_group)
    )
    await tally.attempt("A writes B's replies", lambda: write(mine, topics.provider_replies(b)))
    await tally.attempt(
        "A writes city status", lambda: write(mine, topics.ASSISTANCE_STATUS_INBOUND)
    )
    for topic in (
        topics.SURVEY_SURVEYS,
        topics.BIGDATA_EVENTS,
        topics.dlq(topics.ASSISTANCE_STATUS_INBOUND),
        topics.dlq(topics.provider_replies(a)),
    ):
        await tally.attempt(f"A reads {topic}", lambda t=topic: read(mine, t, own_group))
    await tally.attempt(
        "A reads its own topic in a group not its own",
        lambda: read(mine, topics.provider_orders(a), "dispatch"),
    )
    await tally.attempt("A deletes B's topic", lambda: delete(mine, topics.provider_orders(b)))
    seen = await visible_topics(mine)
    tally.refused["A lists every topic and sees only its own"] = set(seen) <= {
        topics.provider_orders(a),
        topics.provider_replies(a),
    }
    for topic in (topics.BIGDATA_EVENTS, topics.ASSISTANCE_STATUS_INBOUND, topics.SURVEY_SURVEYS):
        await tally.attempt(f"big-data writes {topic}", lambda t=topic: write(bigdata, t))
    await tally.attempt(
        "big-data reads another topic", lambda: read(bigdata, topics.SURVEY_SURVEYS, "bigdata.x")
    )
    await _strangers(tally, mine)

    # What they may do still works after all that.
    await read(mine, topics.provider_orders(a), own_group)
    await read(bigdata, topics.BIGDATA_EVENTS, f"bigdata.e2e-{tag}")

    # Suspended: the old credentials no longer log in, anywhere.
    await care.suspend_provider(api, a)
    await tally.attempt(
        "suspended A reconnects with its old credentials",
        lambda: read(mine, topics.provider_orders(a), own_group),
    )
    print(f"bus boundary: {len(tally.refused)} attempts, {sum(tally.refused.values())} refused")
    assert all(tally.refused.values()), {k: v for k, v in tally.refused.items() if not v}
    assert len(tally.refused) == 20


async def _settles(*, refused: bool, action: Callable[[], Awaitable[Any]]) -> None:
    """Waits until the broker refuses (or allows) ``action``: ACL changes take a moment."""
    async with asyncio.timeout(30):
        while True:
            try:
                await action()
            except (KafkaError, OSError):
                if refused:
                    return
            else:
                if not refused:
                    return
            await asyncio.sleep(0.5)


async def test_the_city_writes_its_sealed_topic_and_no_longer_the_retired_one(
    e2e_stack: Stack,
) -> None:
    # assistance.status.v1 carried the ID number in clear. A cluster an earlier release
    # provisioned still has the topic and the city's row on it: provisioning revokes the row.
    old = topics.RETIRED_ASSISTANCE_STATUS_V1
    admin = BusAdmin(e2e_stack.kafka_access())
    admin.ensure_topics([old], partitions=1, replication=1, config={})
    admin.grant([Grant(CITY_SYSTEM, Kind.TOPIC, old, Op.WRITE)])
    as_city = e2e_stack.kafka_access(CITY_SYSTEM)
    try:
        await _settles(refused=False, action=lambda: write(as_city, old))  # as it was
        provision(admin, e2e_stack.secrets_dir, partitions=e2e_stack.partitions)
        await _settles(refused=True, action=lambda: write(as_city, old))
        # Its own topic takes a record (intake dead-letters this one: it is not signed).
        await write(as_city, topics.ASSISTANCE_STATUS_INBOUND)
    finally:
        await delete(e2e_stack.kafka_access(), old)


async def _strangers(tally: Tally, known: KafkaAccess) -> None:
    """Clients that do not authenticate, or not over TLS, are not let in at all."""
    unknown = replace(known, username="nobody", password="guess-9f1")
    await tally.attempt("an unknown user connects", lambda: visible_topics(unknown))
    wrong = replace(known, password="not-the-password")
    await tally.attempt("A with a wrong password connects", lambda: visible_topics(wrong))

    async def without_login() -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=known.bootstrap,
            security_protocol="SSL",
            ssl_context=known.ssl_context,
        )
        await consumer.start()
        try:
            await consumer.topics()
        finally:
            await consumer.stop()

    async def without_tls() -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=known.bootstrap,
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_plain_username=known.username,
            sasl_plain_password=known.password,
        )
        await consumer.start()
        try:
            await consumer.topics()
        finally:
            await consumer.stop()

    async def plaintext() -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=known.bootstrap)
        await consumer.start()
        try:
            await consumer.topics()
        finally:
            await consumer.stop()

    await tally.attempt("a client without a login (TLS only)", without_login)
    await tally.attempt("a client without TLS", without_tls)
    await tally.attempt("a PLAINTEXT client", plaintext)
