"""Issue 7 at dispatch: a recipient's status change reaches every provider of theirs at once.

A recipient has orders at two providers; review's RecipientStatusChanged ends, pauses,
resumes or moves them, each provider hears it on its own topic (a plain consumer that knows
only ``libs/contracts``), and a repeated or stale change does nothing. Dispatch's database
is read as a witness that an event was applied and what was written to be sent.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import (
    OrderAssigned,
    OrderCancelled,
    OrderPaused,
    OrderResumed,
    ServiceDelivered,
    ServiceOrderCancelled,
    ServiceOrderCreated,
    ServiceOrderPaused,
    ServiceOrderResumed,
    ServiceRecordRefused,
)
from contracts.provider import OrderChangeAcknowledged

from .steps import accept, offer, register, reply, two_item_orders

pytestmark = pytest.mark.integration


async def two_providers(api: Any, bus: Any, make: SimpleNamespace, village: str) -> Any:
    """A recipient with one order at a meals provider (accepted) and one at a cleaning
    provider (still assigned)."""
    case = await two_item_orders(api, bus, make, village, "meals", "clean")
    accepted = await accept(api, case.assigned[case.meals])
    assert accepted.status_code == 200, accepted.text
    return case


async def test_dispatch_a_stop_cancels_the_orders_at_both_providers_once(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    case = await two_providers(api, bus, make, "341702001201")
    stop = make.status_change(case.approved, "stopped", 2)
    await bus.publish(stop)

    orders = await bus.topic(topics.DISPATCH_ORDERS)
    for code in (case.meals, case.clean):
        order_id = case.assigned[code].order_id
        told = await case.readers[code].wait_for(OrderCancelled, order_id=order_id)
        assert (told.provider_code, told.reason_code) == (code, "recipient_stopped")
        assert told.effective_date == make.today()
        ended = await orders.wait_for(ServiceOrderCancelled, order_id=order_id)
        assert (ended.reason_code, ended.cause_event_id) == ("recipient_stopped", stop.event_id)

    # The same event redelivered, then the same change sent again under a new event id.
    await bus.publish(stop)
    again = stop.model_copy(update={"event_id": uuid.uuid4()})
    await bus.publish(again)
    await probe.applied(again.event_id)  # one partition: the redelivery was handled before
    for code in (case.meals, case.clean):
        order_id = case.assigned[code].order_id
        assert len(await probe.emitted("dispatch.OrderCancelled", order_id=order_id)) == 1
        assert len(case.readers[code].events(OrderCancelled, order_id=order_id)) == 1

    # A service after the stop does not count.
    meals_order = case.assigned[case.meals].order_id
    late = make.record(meals_order, 5, item_code="LC-03")
    answer = await api.client.post("/provider/records", json=late, headers=api.provider(case.meals))
    assert answer.status_code == 200, answer.text
    assert (answer.json()["accepted"], answer.json()["check_code"]) == (False, "recipient_ended")
    services = await bus.topic(topics.DISPATCH_SERVICES)
    refused = await services.wait_for(ServiceRecordRefused, record_id=uuid.UUID(late["record_id"]))
    assert refused.reason_code == "recipient_not_active"


async def test_dispatch_services_before_a_stop_takes_effect_still_count_once_it_is_known(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    case = await two_providers(api, bus, make, "341702003201")
    tomorrow = make.today() + timedelta(days=1)
    await bus.publish(make.status_change(case.approved, "stopped", 2, effective_date=tomorrow))
    meals_order = case.assigned[case.meals].order_id
    told = await case.readers[case.meals].wait_for(OrderCancelled, order_id=meals_order)
    assert told.effective_date == tomorrow

    # The provider's app uploads today's visit after the stop was announced: it counts,
    # because the order was accepted and the stop only takes effect tomorrow.
    today = make.record(meals_order, 1, item_code="LC-03")
    answer = await api.client.post(
        "/provider/records", json=today, headers=api.provider(case.meals)
    )
    assert (answer.json()["accepted"], answer.json()["check_code"]) == (True, None)
    services = await bus.topic(topics.DISPATCH_SERVICES)
    await services.wait_for(ServiceDelivered, record_id=uuid.UUID(today["record_id"]))

    # The cleaning order was never accepted: nothing done under it counts.
    clean_order = case.assigned[case.clean].order_id
    unaccepted = make.record(clean_order, 2, item_code="CL-01")
    answer = await api.client.post(
        "/provider/records", json=unaccepted, headers=api.provider(case.clean)
    )
    assert (answer.json()["accepted"], answer.json()["check_code"]) == (False, "order_cancelled")


async def test_dispatch_a_suspension_pauses_a_resumption_resumes_and_late_news_is_ignored(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    case = await two_providers(api, bus, make, "341702002201")
    end = make.today() + timedelta(days=30)
    suspend = make.status_change(
        case.approved, "suspended", 2, reason_code="entered_institution", expected_end=end
    )
    await bus.publish(suspend)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    paused: dict[str, Any] = {}
    for code in (case.meals, case.clean):
        order_id = case.assigned[code].order_id
        paused[code] = await case.readers[code].wait_for(OrderPaused, order_id=order_id)
        assert (paused[code].reason_code, paused[code].expected_end) == ("recipient_suspended", end)
        on_bus = await orders.wait_for(ServiceOrderPaused, order_id=order_id)
        assert on_bus.expected_end == end

    # While paused nothing counts; the meals provider acknowledges on its reply topic.
    meals_order = case.assigned[case.meals].order_id
    record = make.record(meals_order, 4, item_code="LC-03")
    answer = await api.client.post(
        "/provider/records", json=record, headers=api.provider(case.meals)
    )
    assert answer.json()["check_code"] == "order_paused"
    refused = await accept(api, paused[case.clean])
    assert (refused.status_code, refused.json()["code"]) == (409, "order_paused")
    notice = paused[case.meals]
    ack = reply(OrderChangeAcknowledged, notice, acknowledged_event_id=notice.event_id)
    await bus.publish(ack, topics.provider_replies(case.meals))
    await probe.applied(ack.event_id)
    township = api.township("341702002")
    changes = await api.client.get(f"/orders/{meals_order}/changes", headers=township)
    assert [(c["kind"], c["acknowledged_via"]) for c in changes.json()] == [("paused", "kafka")]

    # Review's version 3 is still on its way when version 4 arrives.
    resume = make.status_change(
        case.approved, "resumed", 4, previous_status="suspended", reason_code="assistance_resumed"
    )
    await bus.publish(resume)
    for code, back_to in ((case.meals, "accepted"), (case.clean, "assigned")):
        order_id = case.assigned[code].order_id
        told = await case.readers[code].wait_for(OrderResumed, order_id=order_id)
        assert told.reason_code == "recipient_resumed"
        await orders.wait_for(ServiceOrderResumed, order_id=order_id)
        seen = await api.client.get(f"/provider/orders/{order_id}", headers=api.provider(code))
        assert seen.json()["status"] == back_to

    # The late version 3 (a suspension) changes nothing: version 4 is held.
    stale = suspend.model_copy(update={"event_id": uuid.uuid4(), "version": 3})
    await bus.publish(stale)
    await probe.applied(stale.event_id)
    for code in (case.meals, case.clean):
        order_id = case.assigned[code].order_id
        assert len(await probe.emitted("dispatch.OrderPaused", order_id=order_id)) == 1
        seen = await api.client.get(f"/provider/orders/{order_id}", headers=api.provider(code))
        assert seen.json()["status"] != "paused"


async def test_dispatch_a_transfer_ends_the_order_and_refers_it_in_the_new_area(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    old_village, new_village = "341702003201", "341702004201"
    (new,) = await register(api, make, new_village, "new")
    case = await offer(api, bus, make, old_village, "old")
    (old,), approved, first = case.codes, case.approved, case.order

    moved = make.status_change(
        approved,
        "transferred",
        2,
        reason_code="moved",
        new_county_code=new_village[:6],
        new_township_code=new_village[:9],
        new_village_code=new_village,
    )
    await bus.publish(moved)
    told = await (await bus.provider(old)).wait_for(OrderCancelled, order_id=first.order_id)
    assert told.reason_code == "recipient_transferred"
    there = await (await bus.provider(new)).wait_for(
        OrderAssigned, recipient_id=approved.recipient_id
    )
    assert (there.village_code, there.township_code) == (new_village, new_village[:9])
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    ended = await orders.wait_for(ServiceOrderCancelled, order_id=first.order_id)
    assert ended.replaced_by_order_id == there.order_id
    created = await orders.wait_for(ServiceOrderCreated, order_id=there.order_id)
    assert created.replaces_order_id == first.order_id

    # The old provider's record on the ended order does not count.
    late = make.record(first.order_id, 3)
    answer = await api.client.post("/provider/records", json=late, headers=api.provider(old))
    assert (answer.json()["accepted"], answer.json()["check_code"]) == (False, "order_cancelled")


async def test_dispatch_a_category_change_keeps_the_orders(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    case = await offer(api, bus, make, "341702005201", "keep")
    (code,), approved, order = case.codes, case.approved, case.order
    changed = make.status_change(
        approved, "category_changed", 2, reason_code="category_reassessed", new_category="tekun"
    )
    await bus.publish(changed)
    await probe.applied(changed.event_id)
    seen = await api.client.get(f"/provider/orders/{order.order_id}", headers=api.provider(code))
    assert seen.json()["status"] == "assigned"
    assert await probe.emitted("dispatch.OrderCancelled", order_id=order.order_id) == []
    assert await probe.emitted("dispatch.OrderPaused", order_id=order.order_id) == []


async def test_dispatch_a_stop_that_overtakes_the_approval_is_applied_after_it(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702006201"
    (code,) = await register(api, make, village, "late")
    approved = make.approval(village)
    # A plain stop: deaths are test_dispatch_unacknowledged_metric's own label (this order's
    # change, never acknowledged, would pass its deadline during that test and be counted).
    stop = make.status_change(approved, "stopped", 2)
    await bus.publish(stop)  # on its own topic, ahead of the approval
    await probe.applied(stop.event_id)
    await bus.publish(approved)
    reader = await bus.provider(code)
    order = await reader.wait_for(OrderAssigned, recipient_id=approved.recipient_id)
    told = await reader.wait_for(OrderCancelled, order_id=order.order_id)
    assert told.reason_code == "recipient_stopped"
