"""Issue 14: a provider's reply on its topic that dispatch refuses never vanishes. A decline of
an accepted order goes to the township's queue; every other refusal is parked with its reason
for operations (``civic-parked``). Real broker and database; the provider is a plain client.
"""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from civic.messaging_tables import parked_message
from contracts import topics
from contracts.dispatch import ServiceOrderAccepted, ServiceOrderEscalated
from contracts.provider import OrderAccepted, OrderChangeAcknowledged, OrderDeclined

from .steps import offer, reply

pytestmark = pytest.mark.integration

VILLAGE = "341702010201"
TOWNSHIP = VILLAGE[:9]


async def accepted_order(api: Any, bus: Any, make: SimpleNamespace) -> Any:
    """An order its provider accepted on its reply topic."""
    assigned = (await offer(api, bus, make, VILLAGE, "kept")).order
    await bus.publish(
        reply(OrderAccepted, assigned), topics.provider_replies(assigned.provider_code)
    )
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    await orders.wait_for(ServiceOrderAccepted, order_id=assigned.order_id)
    return assigned


async def queue_ids(api: Any) -> list[str]:
    got = await api.client.get(f"/townships/{TOWNSHIP}/queue", headers=api.township(TOWNSHIP))
    assert got.status_code == 200, got.text
    return [o["order_id"] for o in got.json()["items"]]


async def test_dispatch_a_decline_of_an_accepted_order_goes_to_the_township_queue(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    assigned = await accepted_order(api, bus, make)
    leaving = reply(OrderDeclined, assigned, reason_code="capacity_full", reason_zh="人手不足")
    await bus.publish(leaving, topics.provider_replies(assigned.provider_code))
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    escalated = await orders.wait_for(ServiceOrderEscalated, order_id=assigned.order_id)
    assert (escalated.kind, escalated.source_event_id) == ("other", leaving.event_id)
    assert escalated.township_code == TOWNSHIP
    assert str(assigned.order_id) in await queue_ids(api)
    seen = await api.client.get(f"/orders/{assigned.order_id}", headers=api.township(TOWNSHIP))
    body = seen.json()
    assert (body["status"], body["decline_reason_code"], body["escalation_kind"]) == (
        "accepted",
        "capacity_full",
        "other",
    )
    # The provider thinks again and accepts once more: off the queue.
    again = reply(OrderAccepted, assigned)
    await bus.publish(again, topics.provider_replies(assigned.provider_code))
    await probe.applied(again.event_id)
    assert str(assigned.order_id) not in await queue_ids(api)


async def parked(probe: Any, event_id: uuid.UUID) -> Any:
    """The parked row of the reply with this event id, once dispatch has parked it."""
    t = parked_message.c
    async with asyncio.timeout(60):
        while True:
            async with probe.engine.connect() as conn:
                for row in await conn.execute(
                    select(parked_message).where(t.consumer == "dispatch")
                ):
                    if str(event_id).encode() in row.value:
                        return row
            await asyncio.sleep(0.1)


async def test_dispatch_other_refused_replies_are_parked_with_their_reason(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    assigned = await accepted_order(api, bus, make)
    replies = topics.provider_replies(assigned.provider_code)
    stranger = reply(OrderAccepted, assigned, order_id=uuid.uuid4())  # no order of theirs
    unknown = reply(
        OrderChangeAcknowledged,
        assigned,
        order_version=9,  # a version the order never had
        acknowledged_event_id=uuid.uuid4(),
    )
    await bus.publish(stranger, replies)
    await bus.publish(unknown, replies)
    first, second = await parked(probe, stranger.event_id), await parked(probe, unknown.event_id)
    assert first.reason == "provider_reply_refused: order_not_found: 未找到该服务订单"
    assert first.event_type == "provider.OrderAccepted" and first.topic == replies
    assert second.reason.startswith("provider_reply_refused: order_version_unknown: ")
    assert second.value == unknown.to_json_bytes()
    await probe.applied(unknown.event_id)  # consumed: the partition flows on
    metrics = (await api.client.get("/metrics")).text
    waiting = [ln for ln in metrics.splitlines() if ln.startswith("civic_parked_messages ")]
    assert waiting and float(waiting[0].split()[1]) >= 2
