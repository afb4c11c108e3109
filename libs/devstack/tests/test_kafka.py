from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from civic.bus.access import KafkaAccess
from contracts.topics import all_with_dlq
from devstack.kafka import KafkaServer, create_topics, list_topics
from devstack.stack import Stack

pytestmark = pytest.mark.integration


async def test_platform_topics_exist_with_configured_partitions(stack: Stack) -> None:
    topics = set(list_topics(stack.kafka_access()))
    assert set(all_with_dlq()) <= topics
    config = stack.kafka.config_file.read_text()
    assert "auto.create.topics.enable=false" in config
    assert "controller.quorum.voters=1@127.0.0.1:" in config


def test_create_topics_is_idempotent(stack: Stack) -> None:
    names = [f"devstack.test-{uuid.uuid4().hex[:8]}.v1", f"devstack.test-{uuid.uuid4().hex[:8]}.v1"]
    assert create_topics(stack.kafka_access(), names, partitions=2) == names
    assert create_topics(stack.kafka_access(), names, partitions=2) == []
    assert set(names) <= set(list_topics(stack.kafka_access()))


async def _round_trip(
    bootstrap: KafkaAccess, topic: str
) -> tuple[bytes | None, bytes | None, list]:
    producer = AIOKafkaProducer(**bootstrap.aiokafka())
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k1", headers=[("h", b"v")])
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        **bootstrap.aiokafka(),
        group_id=f"g-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        msg = await consumer.getone()
        await consumer.commit()
    finally:
        await consumer.stop()
    return msg.key, msg.value, list(msg.headers)


async def test_produce_and_consume_one_message(stack: Stack) -> None:
    topic = f"devstack.roundtrip-{uuid.uuid4().hex[:8]}.v1"
    create_topics(stack.kafka_access(), [topic], partitions=1)
    key, value, headers = await _round_trip(stack.kafka_access(), topic)
    assert (key, value, headers) == (b"k1", b"hello", [("h", b"v")])


async def test_broker_comes_back_after_kill_hard(stack: Stack) -> None:
    topic = f"devstack.crash-{uuid.uuid4().hex[:8]}.v1"
    create_topics(stack.kafka_access(), [topic], partitions=1)
    old_pid = stack.kafka.pid()
    stack.kafka.kill_hard()
    assert not stack.kafka.is_running()
    stack.kafka.start()
    stack.kafka.wait_ready(60)
    assert stack.kafka.pid() != old_pid
    assert topic in list_topics(stack.kafka_access())
    _, value, _ = await _round_trip(stack.kafka_access(), topic)
    assert value == b"hello"


def test_a_cluster_id_that_begins_with_a_dash_still_formats(stack: Stack, tmp_path: Path) -> None:
    server = KafkaServer(tmp_path, port=1, controller_port=2, libs_dir=stack.kafka.libs())
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "cluster.id").write_text("-" + "A" * 21 + "\n")  # 22 base64url characters
    server.prepare()
    meta = (server.data_dir / "meta.properties").read_text()
    assert f"cluster.id=-{'A' * 21}" in meta
