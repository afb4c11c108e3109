"""Each provider must acknowledge a change of its order: over HTTP (only the order's own
provider), or on its reply topic. A change nobody acknowledged by its deadline goes to the
township queue as ServiceOrderEscalated (change_not_acknowledged); an acknowledged one
never does, even when the watcher sweeps after its deadline."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from civic.db import make_sessionmaker
from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch import OrderCancelled, ServiceOrderEscalated
from dispatch.jobs.watcher import DeadlineWatcher

from .steps import two_item_orders

pytestmark = pytest.mark.integration

VILLAGE = "341702007201"
TOWNSHIP = VILLAGE[:9]


async def test_dispatch_an_unacknowledged_change_escalates_an_acknowledged_one_does_not(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    case = await two_item_orders(api, bus, make, VILLAGE, "quick", "silent")
    quick, silent, orders = case.meals, case.clean, case.assigned
    await bus.publish(make.status_change(case.approved, "stopped", 2))
    notices = {
        code: await (await bus.provider(code)).wait_for(OrderCancelled, order_id=o.order_id)
        for code, o in orders.items()
    }

    # Only the order's own provider may acknowledge it; the quick one does, over HTTP.
    url = f"/provider/orders/{orders[quick].order_id}/change-acknowledgement"
    body = {
        "order_version": notices[quick].version,
        "acknowledged_event_id": str(notices[quick].event_id),
    }
    stranger = await api.client.post(url, json=body, headers=api.provider(silent))
    assert (stranger.status_code, stranger.json()["code"]) == (404, "order_not_found")
    wrong = await api.client.post(
        url, json={"order_version": 1}, headers=api.provider(quick)
    )  # version 1 was the assignment, no change
    assert (wrong.status_code, wrong.json()["code"]) == (404, "change_not_found")
    acked = await api.client.post(url, json=body, headers=api.provider(quick))
    assert acked.status_code == 200, acked.text
    assert (acked.json()["kind"], acked.json()["acknowledged_via"]) == ("cancelled", "http")
    repeated = await api.client.post(url, json=body, headers=api.provider(quick))
    assert repeated.json()["acknowledged_at"] == acked.json()["acknowledged_at"]

    # The silent provider's change goes to the township queue once its deadline passes.
    bus_orders = await bus.topic(topics.DISPATCH_ORDERS)
    escalated = await bus_orders.wait_for(
        ServiceOrderEscalated, order_id=orders[silent].order_id, kind="change_not_acknowledged"
    )
    assert escalated.source_event_id == notices[silent].event_id
    assert escalated.escalated_to == "township_officer"
    queue = await api.client.get(f"/townships/{TOWNSHIP}/queue", headers=api.township(TOWNSHIP))
    queued = {item["order_id"] for item in queue.json()["items"]}
    assert str(orders[silent].order_id) in queued
    assert str(orders[quick].order_id) not in queued

    # After the quick provider's deadline too, a sweep escalates nothing of its order.
    sessions = make_sessionmaker(probe.engine)
    after_both = max(n.acknowledge_by for n in notices.values()) + timedelta(seconds=1)
    with clock.using(Clock.starting_at(after_both)):
        await DeadlineWatcher(lambda: UnitOfWork(sessions), interval_s=60).sweep()
    kind = "change_not_acknowledged"
    escalations = {
        code: await probe.emitted("dispatch.ServiceOrderEscalated", order_id=o.order_id, kind=kind)
        for code, o in orders.items()
    }
    assert (len(escalations[quick]), len(escalations[silent])) == (0, 1)

    # A late acknowledgement (of the order as it now stands) is kept and ends the escalation.
    mine = api.provider(silent)
    now = await api.client.get(f"/provider/orders/{orders[silent].order_id}", headers=mine)
    assert now.json()["version"] > notices[silent].version  # the escalation bumped it
    late_url = f"/provider/orders/{orders[silent].order_id}/change-acknowledgement"
    late = await api.client.post(
        late_url, json={"order_version": now.json()["version"]}, headers=mine
    )
    assert late.status_code == 200, late.text
    assert late.json()["escalated_at"] is not None and late.json()["acknowledged_at"] is not None
    queue = await api.client.get(f"/townships/{TOWNSHIP}/queue", headers=api.township(TOWNSHIP))
    assert str(orders[silent].order_id) not in {i["order_id"] for i in queue.json()["items"]}
