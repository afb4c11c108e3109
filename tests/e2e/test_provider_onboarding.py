"""The provider onboarding walkthrough of libs/contracts/README.md, done exactly as written.

A county registers a provider and issues its credentials over dispatch's API; the provider's
own software, using only the contracts package, the credentials and a Kafka client the
services do not use (confluent-kafka, i.e. librdkafka), reads its order and accepts it on its
reply topic; dispatch records the acceptance.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from contracts.dispatch import OrderAssigned
from contracts.provider import OrderAccepted
from contracts.registry import ContractError, parse
from devstack.journeys import care
from devstack.journeys.application import Case, approved
from devstack.journeys.db import wait_until
from devstack.stack import Stack

pytestmark = pytest.mark.e2e

#: A village no other end-to-end test serves, so this provider is the only one there.
VILLAGE = "341702100202"


def provider_config(credentials: dict[str, Any], ca_file: Path) -> dict[str, str]:
    """Step 2 of the walkthrough: librdkafka settings from what the county handed over."""
    return {
        "bootstrap.servers": credentials["bootstrap_servers"],
        "security.protocol": credentials["security_protocol"],
        "sasl.mechanism": credentials["sasl_mechanism"],
        "sasl.username": credentials["username"],
        "sasl.password": credentials["password"],
        "ssl.ca.location": str(ca_file),
    }


def first_order(config: dict[str, str], credentials: dict[str, Any]) -> OrderAssigned:
    """Step 3: read the orders topic in one of the provider's own consumer groups."""
    consumer = Consumer(
        config
        | {
            "group.id": credentials["consumer_group_prefix"] + "orders",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": "false",
        }
    )
    consumer.subscribe([credentials["orders_topic"]])
    try:
        for _ in range(120):
            message = consumer.poll(1.0)
            if message is None:
                continue
            assert message.error() is None, message.error()
            try:
                event = parse(message.topic(), message.value())
            except ContractError:
                continue  # a newer event type: skip it, as the walkthrough says
            consumer.commit(message)
            if isinstance(event, OrderAssigned):
                return event
    finally:
        consumer.close()
    raise AssertionError("no order arrived on the provider's topic")


def accept(config: dict[str, str], credentials: dict[str, Any], order: OrderAssigned) -> None:
    """Step 4: answer on the reply topic, keyed by the person, acks from all replicas."""
    reply = OrderAccepted(
        provider_code=order.provider_code,
        order_id=order.order_id,
        order_version=order.version,
        person_id=order.person_id,
        subject_key=str(order.person_id),
    )
    producer = Producer(config | {"acks": "all", "enable.idempotence": "true"})
    delivered: list[Any] = []
    producer.produce(
        credentials["replies_topic"],
        reply.to_json_bytes(),
        key=reply.subject_key.encode(),
        on_delivery=lambda error, _: delivered.append(error),
    )
    producer.flush(30)
    assert delivered == [None]


async def test_a_provider_joins_with_its_credentials_and_answers_its_order(
    e2e_stack: Stack, tmp_path: Path
) -> None:
    api, code = Case(e2e_stack).api, f"walk-{uuid.uuid4().hex[:6]}"
    await care.register_provider(api, code, ["LC-03", "CL-01"], VILLAGE)
    credentials = await care.bus_credentials(api, code)  # step 1: what the county hands over
    ca_file = tmp_path / "platform-ca.crt"
    ca_file.write_text(credentials["ca_certificate_pem"])
    config = provider_config(credentials, ca_file)

    case = Case(e2e_stack, village=VILLAGE)
    recipient_id = await approved(case)

    order = await asyncio.to_thread(first_order, config, credentials)
    assert order.provider_code == code and str(order.recipient_id) == recipient_id
    await asyncio.to_thread(accept, config, credentials, order)

    token = api.token(roles=["provider"], provider_code=code, user_id=f"u-{code}")

    async def accepted() -> bool:
        got = await api.call("dispatch", "GET", f"/provider/orders/{order.order_id}", token=token)
        return bool(got.json()["status"] == "accepted")

    await wait_until(accepted)
