"""The issue's main path: an approved recipient → an order on its provider's own topic → accepted
→ plan → service records → ServiceDelivered; the other provider sees nothing of it."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import (
    OrderAssigned,
    ServiceDelivered,
    ServiceOrderAccepted,
    ServiceOrderCreated,
    ServicePlanRecorded,
    ServiceRecordRefused,
)
from contracts.provider import OrderAccepted, ServiceRecordReported
from contracts.samples import sample

from .steps import accept, offer, register, reply

pytestmark = pytest.mark.integration

VILLAGE = "341702100201"  # 殷汇镇示例一村
TOWNSHIP = VILLAGE[:9]
#: What may travel on a provider's topic: ids, codes, dates and a masked name.
ALLOWED_ON_PROVIDER_TOPIC = set(OrderAssigned.model_fields)


async def test_dispatch_an_approved_recipient_reaches_its_provider_and_is_served(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    tail = make.suffix()
    a, b = f"a-{tail}", f"b-{tail}"  # equal load: the rule's tie-break picks "a"
    registered = await api.register(a, [VILLAGE])
    await api.register(b, [VILLAGE])
    assert registered["topics"] == {
        "orders": topics.provider_orders(a),
        "replies": topics.provider_replies(a),
    }
    provider_a, provider_b = await bus.provider(a), await bus.provider(b)

    approved = make.approval(VILLAGE)
    await bus.publish(approved)

    # The order arrives on A's own topic, read by a plain consumer that knows only the contracts.
    assigned = await provider_a.wait_for(OrderAssigned, recipient_id=approved.recipient_id)
    assert assigned.provider_code == a
    assert assigned.display_name == "张*三"
    assert assigned.village_code == VILLAGE
    raw = next(r for e, r in provider_a.seen if e is assigned)
    assert set(raw) <= ALLOWED_ON_PROVIDER_TOPIC
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    created = await orders.wait_for(ServiceOrderCreated, order_id=assigned.order_id)
    assert (created.provider_code, created.item_code, created.unit) == (a, "LC-01", "hour")
    assert created.funding_source == "tekun_care"

    # A accepts on its reply topic, as its own software would.
    await bus.publish(reply(OrderAccepted, assigned), topics.provider_replies(a))
    await orders.wait_for(ServiceOrderAccepted, order_id=assigned.order_id)

    # A plan, which the township can read.
    plan = {
        "plan_id": str(approved.application_id),
        "version": 1,
        "items": [
            {
                "order_id": str(assigned.order_id),
                "item_code": "LC-01",
                "frequency": {"times": 2, "per": "week"},
            }
        ],
        "starts_on": make.today().isoformat(),
        "summary_zh": "每周两次上门照料",
    }
    stored = await api.client.post("/provider/plans", json=plan, headers=api.provider(a))
    assert stored.status_code == 200, stored.text
    assert stored.json() == {"stored": True}
    seen = await api.client.get(
        f"/orders/{assigned.order_id}/plans", headers=api.township(TOWNSHIP)
    )
    assert [p["summary_zh"] for p in seen.json()] == ["每周两次上门照料"]
    services = await bus.topic(topics.DISPATCH_SERVICES)
    filed = await services.wait_for(ServicePlanRecorded, plan_id=_uuid(plan["plan_id"]))
    assert (filed.recipient_id, filed.person_id, filed.version) == (
        approved.recipient_id,
        approved.person_id,
        1,
    )
    assert [(i.order_id, i.item_code) for i in filed.items] == [(assigned.order_id, "LC-01")]
    assert "每周两次上门照料" not in filed.model_dump_json()  # the free text stays in dispatch

    # A day's records over HTTP, one more on the reply topic: each becomes ServiceDelivered.
    batch = [make.record(assigned.order_id, 0), make.record(assigned.order_id, 1)]
    answer = await api.client.post(
        "/provider/records/batch", json={"records": batch}, headers=api.provider(a)
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["accepted"], answer.json()["refused"]) == (2, 0)
    start, end = make.slot(2)
    over_kafka = sample(
        ServiceRecordReported,
        person_id=assigned.person_id,
        provider_code=a,
        order_id=assigned.order_id,
        item_code="LC-01",
        service_date=make.today(),
        started_at=start,
        ended_at=end,
        worker_ref="w1",
        recipient_confirmed=True,
        confirmation_ref="photo-7",
    )
    await bus.publish(over_kafka, topics.provider_replies(a))
    for record_id in [batch[0]["record_id"], batch[1]["record_id"], str(over_kafka.record_id)]:
        delivered = await services.wait_for(ServiceDelivered, record_id=_uuid(record_id))
        assert (delivered.order_id, delivered.provider_code) == (assigned.order_id, a)
        assert delivered.village_code == VILLAGE

    # B never sees A's order: not on its topic, not over HTTP, and cannot act on it.
    assert provider_b.events(order_id=assigned.order_id) == []
    assert all(e.provider_code == b for e in provider_b.events())
    peek = await api.client.get(f"/provider/orders/{assigned.order_id}", headers=api.provider(b))
    assert peek.status_code == 404
    grab = await api.client.post(
        f"/provider/orders/{assigned.order_id}/accept",
        json={"order_version": 1},
        headers=api.provider(b),
    )
    assert grab.status_code == 404
    mine = await api.client.get("/provider/orders", headers=api.provider(a))
    assert [o["order_id"] for o in mine.json()["items"]] == [str(assigned.order_id)]


async def test_dispatch_a_record_on_someone_elses_order_is_refused(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702101201"
    case = await offer(api, bus, make, village, "a", "b")
    owner, other = case.codes
    assigned = case.order
    accepted = await accept(api, assigned)
    assert accepted.status_code == 200, accepted.text

    body = make.record(assigned.order_id, 0)
    refused = await api.client.post("/provider/records", json=body, headers=api.provider(other))
    assert refused.json() == {
        "record_id": body["record_id"],
        "accepted": False,
        "check_code": "order_unknown",
        "reason_zh": "服务订单不存在或不属于本服务供给主体",
    }
    services = await bus.topic(topics.DISPATCH_SERVICES)
    event = await services.wait_for(ServiceRecordRefused, record_id=_uuid(body["record_id"]))
    assert (event.provider_code, event.check_code) == (other, "order_unknown")

    # The owner's records: one counts; a retry gets the same answer; the rest fail their check.
    good = make.record(assigned.order_id, 1)
    overlapping = make.record(assigned.order_id, 1)
    future = make.record(assigned.order_id, 2, ended_at="2099-01-01T00:00:00+00:00")
    unconfirmed = make.record(assigned.order_id, 3, worker="w2", confirmation_ref=None)
    batch = {"records": [good, good, overlapping, future, unconfirmed]}
    answer = await api.client.post(
        "/provider/records/batch", json=batch, headers=api.provider(owner)
    )
    assert [(o["accepted"], o["check_code"]) for o in answer.json()["outcomes"]] == [
        (True, None),
        (True, None),
        (False, "worker_overlap"),
        (False, "time_in_future"),
        (False, "missing_confirmation"),
    ]
    await services.wait_for(ServiceDelivered, record_id=_uuid(good["record_id"]))
    again = await api.client.post("/provider/records", json=good, headers=api.provider(owner))
    assert again.json()["accepted"] is True
    records = await api.client.get(
        f"/orders/{assigned.order_id}/records", headers=api.township(village[:9])
    )
    assert sorted(r["accepted"] for r in records.json()) == [False, False, False, False, True]
    assert len(services.events(ServiceDelivered, record_id=_uuid(good["record_id"]))) == 1


async def test_dispatch_contact_details_reach_only_the_serving_provider_and_are_logged(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702101202"
    case = await offer(api, bus, make, village, "a", "b")
    owner, other = case.codes
    approved, assigned = case.approved, case.order
    contact = {"address": "殷汇镇示例二村3组", "phone": "13912345678"}
    put = await api.client.put(
        f"/recipients/{approved.recipient_id}/contact", json=contact, headers=api.village(village)
    )
    assert put.status_code == 204, put.text
    assert "13912345678" not in json.dumps([r for _, r in (await bus.provider(owner)).seen])

    url = f"/provider/orders/{assigned.order_id}/contact"
    read = await api.client.get(url, headers=api.provider(owner))
    assert (read.status_code, read.json()["phone"]) == (200, "13912345678")
    assert (await api.client.get(url, headers=api.provider(other))).status_code == 404
    log = await api.client.get(
        f"/orders/{assigned.order_id}/contact-reads", headers=api.township(village[:9])
    )
    assert [(r["provider_code"], r["user_id"]) for r in log.json()] == [(owner, f"u-{owner}")]


async def test_dispatch_a_reply_is_believed_only_on_its_owners_topic(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702107201"
    (forger,) = await register(api, make, village[:9] + "202", "b")
    case = await offer(api, bus, make, village, "a")
    offered = case.order

    # The forger writes, on its own reply topic, an acceptance in the victim's name.
    forged = reply(OrderAccepted, offered)  # names the victim, the order's provider
    await bus.publish(forged, topics.provider_replies(forger))
    letters = await bus.topic(topics.dlq(topics.provider_replies(forger)))
    payload, headers = await letters.first_unparsed()
    assert payload["event_id"] == str(forged.event_id)
    assert "does not own" in headers["x-dlq-error"]
    order = await api.client.get(f"/orders/{offered.order_id}", headers=api.township(village[:9]))
    assert order.json()["status"] == "assigned"


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)
