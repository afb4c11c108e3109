"""Issue 20 at dispatch: a recipient's services change, emergency care, plan agreement.

Review's RecipientServicesChanged moves exactly the orders of the items it adds, removes or
changes (each provider told on its own topic, a plain consumer knowing only the contracts);
a repeat or an older version changes nothing. Emergency care with a medical need goes only
to a medical institution; an unconfirmed emergency ends by the stop. A provider's plan is
proposed, returned, re-proposed and agreed; services under an unagreed plan are flagged.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import (
    OrderAssigned,
    OrderCancelled,
    ServiceOrderCancelled,
    ServiceOrderCreated,
)
from contracts.review import ItemProvider, RecipientServicesChanged
from contracts.samples import sample

from .steps import accept

pytestmark = pytest.mark.integration


def services_change(
    approved: Any, version: int, items: tuple[Any, ...], **fields: Any
) -> RecipientServicesChanged:
    """Review's approved change of the recipient's services, effective today."""
    values: dict[str, Any] = {
        "person_id": approved.person_id,
        "recipient_id": approved.recipient_id,
        "change_id": uuid.uuid4(),
        "services_version": version,
        "effective_date": approved.effective_date,
        "approved_items": items,
        "added_item_codes": (),
        "removed_item_codes": (),
        "changed_item_codes": (),
        "item_providers": (),
        "reason_code": "needs_changed",
        "source": "township",
    }
    return sample(RecipientServicesChanged, **(values | fields))


async def order_version(api: Any, order_id: Any, township: str) -> int:
    seen = await api.client.get(f"/orders/{order_id}", headers=api.township(township))
    assert seen.status_code == 200, seen.text
    return int(seen.json()["version"])


async def served(api: Any, bus: Any, make: SimpleNamespace, village: str) -> SimpleNamespace:
    """A recipient with meals (LC-03, accepted) and home care (LC-01), each at its provider,
    and two cleaning providers in the village (c1 is the rule's pick: lowest code)."""
    tail = make.suffix()
    codes = {"meals": f"m-{tail}", "care": f"h-{tail}", "c1": f"c1-{tail}", "c2": f"c2-{tail}"}
    items = {"meals": "LC-03", "care": "LC-01", "c1": "CL-01", "c2": "CL-01"}
    for role, code in codes.items():
        await api.register(code, [village], items=(items[role],))
    readers = {role: await bus.provider(code) for role, code in codes.items()}
    approved = make.approval(village, make.item("LC-03"), make.item("LC-01"))
    await bus.publish(approved)
    rid = approved.recipient_id
    meals = await readers["meals"].wait_for(OrderAssigned, recipient_id=rid)
    care = await readers["care"].wait_for(OrderAssigned, recipient_id=rid)
    assert (await accept(api, meals)).status_code == 200
    return SimpleNamespace(approved=approved, codes=codes, readers=readers, meals=meals, care=care)


async def test_dispatch_a_services_change_moves_exactly_the_items_it_names(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702008202"
    township = village[:9]
    case = await served(api, bus, make, village)
    rid = case.approved.recipient_id
    care_version = await order_version(api, case.care.order_id, township)

    # Cleaning added, at the provider the township chose (c2, not the rule's c1).
    cleaning = make.item("CL-01", service_category="cleaning")
    add = services_change(
        case.approved,
        2,
        (*case.approved.approved_items, cleaning),
        added_item_codes=("CL-01",),
        item_providers=(ItemProvider(item_code="CL-01", provider_code=case.codes["c2"]),),
    )
    await bus.publish(add)
    cleaned = await case.readers["c2"].wait_for(OrderAssigned, recipient_id=rid)
    assert (cleaned.item_code, cleaned.start_date) == ("CL-01", make.today())
    await probe.applied(add.event_id)
    assert case.readers["c1"].events(OrderAssigned, recipient_id=rid) == []

    # The same event again, and the same version under a new event id: nothing more.
    await bus.publish(add)
    again = add.model_copy(update={"event_id": uuid.uuid4()})
    await bus.publish(again)
    await probe.applied(again.event_id)
    assert len(await probe.emitted("dispatch.ServiceOrderCreated", recipient_id=rid)) == 3
    assert len(case.readers["c2"].events(OrderAssigned, recipient_id=rid)) == 1

    # Meals removed: exactly that order ends from the effective date, its provider told.
    kept = tuple(i for i in add.approved_items if i.item_code != "LC-03")
    remove = services_change(case.approved, 3, kept, removed_item_codes=("LC-03",))
    await bus.publish(remove)
    meals_id = case.meals.order_id
    told = await case.readers["meals"].wait_for(OrderCancelled, order_id=meals_id)
    assert (told.reason_code, told.effective_date) == ("item_withdrawn", make.today())
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    ended = await orders.wait_for(ServiceOrderCancelled, order_id=meals_id)
    assert ended.cause_event_id == remove.event_id
    await probe.applied(remove.event_id)
    assert await order_version(api, case.care.order_id, township) == care_version
    for untouched in (case.care.order_id, cleaned.order_id):
        assert await probe.emitted("dispatch.OrderCancelled", order_id=untouched) == []

    # The older version arriving late changes nothing.
    stale = add.model_copy(update={"event_id": uuid.uuid4()})
    await bus.publish(stale)
    await probe.applied(stale.event_id)
    assert len(await probe.emitted("dispatch.OrderCancelled", order_id=meals_id)) == 1
    assert len(await probe.emitted("dispatch.ServiceOrderCreated", recipient_id=rid)) == 3


async def test_dispatch_changed_terms_end_the_order_and_reopen_it_at_the_same_provider(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702002202"
    case = await served(api, bus, make, village)
    rid = case.approved.recipient_id
    daily = make.item("LC-03", frequency={"times": 7, "per": "week"})
    home_care = case.approved.approved_items[1]
    change = services_change(case.approved, 2, (daily, home_care), changed_item_codes=("LC-03",))
    await bus.publish(change)
    meals = case.readers["meals"]
    told = await meals.wait_for(OrderCancelled, order_id=case.meals.order_id)
    assert told.reason_code == "officer_request"
    renewed = await _next_assigned(meals, rid, case.meals.order_id)
    assert (renewed.frequency.times, renewed.provider_code) == (7, case.codes["meals"])
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    ended = await orders.wait_for(ServiceOrderCancelled, order_id=case.meals.order_id)
    assert ended.replaced_by_order_id == renewed.order_id
    created = await orders.wait_for(ServiceOrderCreated, order_id=renewed.order_id)
    assert created.replaces_order_id == case.meals.order_id
    assert await probe.emitted("dispatch.OrderCancelled", order_id=case.care.order_id) == []


async def _next_assigned(reader: Any, rid: uuid.UUID, old: uuid.UUID) -> Any:
    """The recipient's next order on this provider's topic (not ``old``)."""
    async with asyncio.timeout(60):
        while True:
            found = [e for e in reader.events(OrderAssigned, recipient_id=rid) if e.order_id != old]
            if found:
                return found[0]
            await asyncio.sleep(0.05)


async def test_dispatch_items_added_while_suspended_wait_for_the_resumption(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702011202"
    case = await served(api, bus, make, village)
    rid = case.approved.recipient_id
    suspend = make.status_change(case.approved, "suspended", 2, reason_code="entered_institution")
    await bus.publish(suspend)
    await probe.applied(suspend.event_id)
    cleaning = make.item("CL-01", service_category="cleaning")
    add = services_change(
        case.approved,
        2,
        (*case.approved.approved_items, cleaning),
        added_item_codes=("CL-01",),
        item_providers=(ItemProvider(item_code="CL-01", provider_code=case.codes["c2"]),),
    )
    await bus.publish(add)
    await probe.applied(add.event_id)
    assert case.readers["c2"].events(OrderAssigned, recipient_id=rid) == []
    resume = make.status_change(
        case.approved, "resumed", 3, previous_status="suspended", reason_code="assistance_resumed"
    )
    await bus.publish(resume)
    cleaned = await case.readers["c2"].wait_for(OrderAssigned, recipient_id=rid)
    assert cleaned.item_code == "CL-01"


async def test_dispatch_emergency_care_is_referred_at_once_and_medical_items_to_a_clinic(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702104202"
    tail = make.suffix()
    social, clinic = f"a-{tail}", f"m-{tail}"  # the rule alone would pick "a" (lowest code)
    await api.register(social, [village], items=("HC-01",))
    await api.register(clinic, [village], items=("HC-01",), kind="medical_institution")
    # Meals at a "z" provider: an "a" provider of meals here would win the referral test's
    # order in the same village (equal load, lower code) from the provider it expects.
    await api.register(f"z-{tail}", [village], items=("LC-01",))
    health = make.item("HC-01", service_category="health_care")
    approved = make.approval(
        village,
        health,
        make.item("LC-01"),
        route="emergency",
        temporary_until=make.today() + timedelta(days=30),
        medical_institution_needed=True,
    )
    await bus.publish(approved)
    rid = approved.recipient_id
    at_clinic = await (await bus.provider(clinic)).wait_for(OrderAssigned, recipient_id=rid)
    assert at_clinic.item_code == "HC-01"
    assert (await bus.provider(social)).events(OrderAssigned, item_code="HC-01") == []
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    home = await orders.wait_for(ServiceOrderCreated, recipient_id=rid, item_code="LC-01")
    assert home.provider_code is not None  # not a medical item: placed by the usual rule

    # The emergency is not confirmed in time: review stops it, and every order ends.
    stop = make.status_change(
        approved, "stopped", 2, reason_code="other", reason_zh="临时救助期满未经审核确认"
    )
    await bus.publish(stop)
    told = await (await bus.provider(clinic)).wait_for(OrderCancelled, order_id=at_clinic.order_id)
    assert told.reason_code == "recipient_stopped"
    for order_id in (at_clinic.order_id, home.order_id):
        ended = await orders.wait_for(ServiceOrderCancelled, order_id=order_id)
        assert ended.cause_event_id == stop.event_id


async def test_dispatch_a_medical_item_without_a_clinic_waits_in_the_township_queue(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702104201"
    (social,) = [f"a-{make.suffix()}"]
    await api.register(social, [village], items=("HC-01",))
    health = make.item("HC-01", service_category="health_care")
    approved = make.approval(village, health, route="emergency", medical_institution_needed=True)
    await bus.publish(approved)
    await probe.applied(approved.event_id)
    queue = await api.client.get(
        f"/townships/{village[:9]}/queue", headers=api.township(village[:9])
    )
    mine = [o for o in queue.json()["items"] if o["recipient_id"] == str(approved.recipient_id)]
    assert [(o["status"], o["unplaced_reason"]) for o in mine] == [("queued", "other")]
    assert "医疗机构" in mine[0]["unplaced_reason_zh"]
    assert (await bus.provider(social)).events(
        OrderAssigned, recipient_id=approved.recipient_id
    ) == []
