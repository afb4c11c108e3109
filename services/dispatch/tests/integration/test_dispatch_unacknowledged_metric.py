"""``civic_dispatch_order_changes_unacknowledged``: changes a provider has not acknowledged
by their deadline, read from dispatch's database at each scrape of ``/metrics``."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from contracts.dispatch import OrderCancelled

from .steps import two_item_orders

pytestmark = pytest.mark.integration

# A village and a stop reason no other dispatch test uses: another test's providers would
# take the referral, and its stops (reason recipient_stopped) pass their deadline meanwhile.
VILLAGE = "341702007202"
STOPS = {"kind": "cancelled", "reason": "recipient_deceased"}


async def overdue_stops(api: Any) -> float:
    """What ``/metrics`` says now: stops past their deadline, escalated or not."""
    answer = await api.client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(answer.text)
        if family.name == "civic_dispatch_order_changes_unacknowledged"
        for sample in family.samples
        if all(sample.labels.get(k) == v for k, v in STOPS.items())
    )


async def until(api: Any, wanted: float) -> None:
    for _ in range(300):
        if await overdue_stops(api) == wanted:
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"/metrics did not show {wanted} overdue stops within 30 s")


async def test_dispatch_metrics_count_stops_not_acknowledged_in_time(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    case = await two_item_orders(api, bus, make, VILLAGE, "mute", "slow")
    # Counted before the stop: under load the deadline (CHANGE_ACK_S) can pass before
    # both providers have even seen the cancellation.
    before = await overdue_stops(api)
    await bus.publish(make.status_change(case.approved, "deceased", 2, reason_code="deceased"))
    for code, order in case.assigned.items():
        await (await bus.provider(code)).wait_for(OrderCancelled, order_id=order.order_id)
    await until(api, before + 2)

    # A late acknowledgement (of the order as it now stands) takes it off the count.
    mine, order_id = api.provider(case.meals), case.assigned[case.meals].order_id
    now = await api.client.get(f"/provider/orders/{order_id}", headers=mine)
    url = f"/provider/orders/{order_id}/change-acknowledgement"
    acked = await api.client.post(url, json={"order_version": now.json()["version"]}, headers=mine)
    assert acked.status_code == 200, acked.text
    await until(api, before + 1)
