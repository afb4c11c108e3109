"""Referral when things do not go smoothly: declines, full providers, silence, officers' choices."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import (
    OrderAssigned,
    OrderCancelled,
    ServiceOrderAccepted,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderDeclined,
    ServiceOrderEscalated,
)
from contracts.provider import OrderDeclined

from .steps import accept, offer, register, reply

pytestmark = pytest.mark.integration


async def test_dispatch_a_decline_goes_to_the_next_provider_then_to_the_township(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702102201"
    (second,) = await register(api, make, village[:9], "b")  # the whole township
    case = await offer(api, bus, make, village, "a")
    (first,), approved, offered = case.codes, case.approved, case.order

    declined = await api.client.post(
        f"/provider/orders/{offered.order_id}/decline",
        json={"order_version": offered.version, "reason_code": "capacity_full"},
        headers=api.provider(first),
    )
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    event = await orders.wait_for(ServiceOrderDeclined, order_id=offered.order_id)
    assert event.reason_code == "capacity_full"

    # The next eligible provider gets a new order for the same approved item.
    rerouted = await (await bus.provider(second)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )
    created = await orders.wait_for(ServiceOrderCreated, order_id=rerouted.order_id)
    assert created.replaces_order_id == offered.order_id
    first_created = await orders.wait_for(ServiceOrderCreated, order_id=offered.order_id)
    assert created.referral_id == first_created.referral_id

    # The second declines on its reply topic: nobody is left, the township's queue takes it.
    refusal = reply(OrderDeclined, rerouted, reason_code="out_of_area")
    await bus.publish(refusal, topics.provider_replies(second))
    queued = await orders.wait_for(
        ServiceOrderEscalated, referral_id=created.referral_id, unplaced_reason="all_declined"
    )
    assert (queued.provider_code, queued.escalated_to) == (None, "township_officer")
    queue = await api.client.get(
        f"/townships/{village[:9]}/queue", headers=api.township(village[:9])
    )
    assert str(queued.order_id) in [o["order_id"] for o in queue.json()["items"]]

    # A township officer overrides: the queued order goes to the provider they name.
    chosen = await api.client.post(
        f"/orders/{queued.order_id}/reassign",
        json={"provider_code": first, "reason_zh": "经电话沟通，机构已腾出服务能力"},
        headers=api.township(village[:9]),
    )
    assert (chosen.status_code, chosen.json()["status"]) == (200, "assigned")
    again = await (await bus.provider(first)).wait_for(OrderAssigned, order_id=queued.order_id)
    assert again.recipient_id == approved.recipient_id
    elsewhere = await api.client.post(
        f"/orders/{queued.order_id}/reassign",
        json={"provider_code": second, "reason_zh": "改派"},
        headers=api.township("341702103"),
    )
    assert elsewhere.status_code == 403


async def test_dispatch_no_capacity_escalates_to_the_township_queue(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702103201"
    code = f"a-{make.suffix()}"
    await api.register(code, [village], capacity=1)
    suspended = f"s-{make.suffix()}"
    await api.register(suspended, [village], capacity=5)
    off = await api.client.post(
        f"/providers/{suspended}/suspend",
        json={"reason_code": "evaluation_failed"},
        headers=api.county(),
    )
    assert off.json()["status"] == "suspended"

    first, second = make.approval(village), make.approval(village)
    await bus.publish(first)
    await (await bus.provider(code)).wait_for(OrderAssigned, recipient_id=first.recipient_id)
    await bus.publish(second)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    escalated = await orders.wait_for(ServiceOrderEscalated, recipient_id=second.recipient_id)
    assert escalated.unplaced_reason == "no_capacity"
    assert escalated.kind == "other"
    assert escalated.township_code == village[:9]
    order = await api.client.get(f"/orders/{escalated.order_id}", headers=api.township(village[:9]))
    assert (order.json()["status"], order.json()["provider_code"]) == ("queued", None)
    assert (await bus.provider(suspended)).events() == []


async def test_dispatch_an_unanswered_order_escalates_after_the_configured_time(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702104201"
    offered = (await offer(api, bus, make, village, "a")).order
    code = offered.provider_code

    orders = await bus.topic(topics.DISPATCH_ORDERS)
    late = await orders.wait_for(
        ServiceOrderEscalated, order_id=offered.order_id, kind="not_accepted_in_time"
    )
    assert late.provider_code == code
    assert late.respond_by == offered.respond_by
    queue = await api.client.get(
        f"/townships/{village[:9]}/queue", headers=api.township(village[:9])
    )
    assert str(offered.order_id) in [o["order_id"] for o in queue.json()["items"]]

    # Late is not too late: until an officer re-assigns, the provider may still accept.
    accepted = await accept(api, offered)
    assert accepted.json()["status"] == "accepted"
    await orders.wait_for(ServiceOrderAccepted, order_id=offered.order_id)


async def test_dispatch_an_officer_moves_an_accepted_order_and_both_providers_are_told(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702104202"
    case = await offer(api, bus, make, village, "a", "b")
    (old, new), approved, offered = case.codes, case.approved, case.order
    old_reader = await bus.provider(old)
    await accept(api, offered)

    moved = await api.client.post(
        f"/orders/{offered.order_id}/reassign",
        json={"provider_code": new, "reason_zh": "服务对象申请更换服务机构"},
        headers=api.township(village[:9]),
    )
    assert moved.status_code == 200, moved.text
    successor = moved.json()
    assert (successor["provider_code"], successor["replaces_order_id"]) == (
        new,
        str(offered.order_id),
    )
    stop = await old_reader.wait_for(OrderCancelled, order_id=offered.order_id)
    assert stop.reason_code == "officer_request"
    await (await bus.provider(new)).wait_for(OrderAssigned, recipient_id=approved.recipient_id)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    cancelled = await orders.wait_for(ServiceOrderCancelled, order_id=offered.order_id)
    assert str(cancelled.replaced_by_order_id) == successor["order_id"]


async def test_dispatch_modes_reach_providers_of_their_kind(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702105201"
    tail = make.suffix()
    home, charity, branch = f"home-{tail}", f"charity-{tail}", f"party-{tail}"
    await api.register(
        home, [village], items=("IC-01",), modes=("institutional_care",), kind="welfare_institution"
    )
    await api.register(
        charity, [village], items=("LC-06",), modes=("charity_referral",), kind="charity"
    )
    await api.register(
        branch, [village], items=("LC-05",), modes=("party_building",), kind="party_branch"
    )
    approved = make.approval(
        village,
        make.item("IC-01", "institutional_care"),
        make.item("LC-04", "charity_referral", funding_source="charity"),
        make.item("LC-05", "party_building"),
    )
    await bus.publish(approved)
    placement = await (await bus.provider(home)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )
    assert (placement.item_code, placement.unit) == ("IC-01", "day")
    listed = await (await bus.provider(charity)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )
    assert listed.item_code == "LC-04"  # the charity decides the content itself
    pairing = await (await bus.provider(branch)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )

    url = f"/provider/orders/{placement.order_id}/accept"
    bare = await api.client.post(url, json={"order_version": 1}, headers=api.provider(home))
    assert (bare.status_code, bare.json()["code"]) == (422, "admission_date_required")
    body = {"order_version": 1, "admission_date": make.today().isoformat()}
    assert (await api.client.post(url, json=body, headers=api.provider(home))).status_code == 200
    pair_url = f"/provider/orders/{pairing.order_id}/accept"
    body = {"order_version": 1, "paired_member_ref": "党员-017"}
    assert (await api.client.post(pair_url, json=body, headers=api.provider(branch))).is_success
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    admitted = await orders.wait_for(ServiceOrderAccepted, order_id=placement.order_id)
    assert admitted.admission_date == make.today()
    paired = await orders.wait_for(ServiceOrderAccepted, order_id=pairing.order_id)
    assert paired.paired_member_ref == "党员-017"
