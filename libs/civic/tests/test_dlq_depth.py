"""``civic_dlq_depth{topic}``: dead letters not yet re-driven, read by each service as its own
principal (it may DESCRIBE its DLQs and the group ``civic-dlq-redrive``, nothing more)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from civic.background import watch_dlq_depth
from civic.bus.access import KafkaAccess
from civic.bus.grants import OPERATIONS
from civic.consumer import TopicConsumer
from civic.dlq_cli import dlq_depths, redrive
from contracts import topics
from devstack.infra import Infra

from .service_apps import FakeRuntime, exported

pytestmark = pytest.mark.integration

#: Consumed by archive only; no other civic test dead-letters or re-drives it.
CONSUMED = topics.SETTLEMENT_LEDGER
DLQ = topics.dlq(CONSUMED)


async def dead_letters(access: KafkaAccess, dlq: str, n: int) -> None:
    producer = AIOKafkaProducer(**access.aiokafka(), acks="all")
    await producer.start()
    try:
        for i in range(n):
            headers = [("x-dlq-error", b"RuntimeError: boom")]
            await producer.send_and_wait(dlq, f"{uuid.uuid4()}-{i}".encode(), headers=headers)
    finally:
        await producer.stop()


async def test_depth_counts_letters_until_they_are_redriven(infra: Infra) -> None:
    archive = infra.access("archive")  # the service's own principal, with its ACLs
    await redrive(infra.access(OPERATIONS), CONSUMED)
    assert await dlq_depths(archive, [CONSUMED]) == {DLQ: 0}
    await dead_letters(infra.kafka, DLQ, 3)
    assert await dlq_depths(archive, [CONSUMED]) == {DLQ: 3}
    assert await redrive(infra.access(OPERATIONS), CONSUMED) == 3
    assert await dlq_depths(archive, [CONSUMED]) == {DLQ: 0}


async def test_dispatch_sees_the_depth_of_every_providers_reply_dlq(infra: Infra) -> None:
    from dispatch.adapters.provider_bus import (
        ProviderBus,  # registering a provider makes its topics
    )

    code = f"dd{uuid.uuid4().hex[:6]}"
    bus = ProviderBus(infra.access("dispatch-provisioner"), partitions=1, replication=1)
    await bus.open([code])
    dlq = topics.dlq(topics.provider_replies(code))
    await dead_letters(infra.kafka, dlq, 2)
    depths = await dlq_depths(infra.access("dispatch"), [topics.PROVIDER_REPLIES_FAMILY])
    assert depths[dlq] == 2


async def test_the_service_job_exports_the_depth_in_the_background(infra: Infra) -> None:
    consumer = TopicConsumer(CONSUMED, group="archive")
    runtime = FakeRuntime(infra.access("archive"), [type("P", (), {"consumer": consumer})()])
    await redrive(infra.access(OPERATIONS), CONSUMED)
    await dead_letters(infra.kafka, DLQ, 2)
    wanted = f'civic_dlq_depth{{topic="{DLQ}"}} 2.0'
    await exported(runtime, watch_dlq_depth(runtime, interval_s=0.2), wanted)  # type: ignore[arg-type]
    await redrive(infra.access(OPERATIONS), CONSUMED)
