"""Issue 4 through the running services: orders on each provider's own topic, plan, records."""

from __future__ import annotations

import uuid

import pytest

from civic import clock
from contracts import topics
from contracts.dispatch import ServiceDelivered
from contracts.dispatch.provider_topic import OrderAssigned
from devstack.journeys import care
from devstack.journeys.application import catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


async def test_each_provider_reads_only_its_orders_and_its_records_become_deliveries(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    case, _, orders = await care.approved_with_two_providers(e2e_stack, uuid.uuid4().hex[:6])
    (meals, meal_order), (clean, clean_order) = orders

    # Each provider's own topic, read with a plain Kafka client and libs/contracts only.
    for provider, mine, theirs in (
        (meals, meal_order, clean_order),
        (clean, clean_order, meal_order),
    ):
        async with TopicReader(
            e2e_stack.kafka_access(), topics.provider_orders(provider)
        ) as reader:
            await reader.wait_for(
                lambda e, o=mine: isinstance(e, OrderAssigned) and str(e.order_id) == o["order_id"]
            )
            seen = {str(e.order_id) for e in reader.events() if isinstance(e, OrderAssigned)}
        assert theirs["order_id"] not in seen, f"{provider} saw another provider's order"

    # A plan the township can read, then a day's service records.
    token = case.api.token(roles=["provider"], provider_code=meals, user_id=f"u-{meals}")
    today = clock.today().isoformat()
    plan = {
        "plan_id": str(uuid.uuid4()),
        "version": 1,
        "starts_on": today,
        "summary_zh": "每日送餐上门",
        "items": [
            {
                "order_id": meal_order["order_id"],
                "item_code": "LC-03",
                "frequency": {"times": 1, "per": "day"},
            }
        ],
    }
    stored = await case.api.call("dispatch", "POST", "/provider/plans", token=token, json=plan)
    assert stored.status_code == 200 and stored.json() == {"stored": True}, stored.text
    officer = case.token("township_officer", "341702100", "e2e-officer")
    plans = await case.api.call(
        "dispatch", "GET", f"/orders/{meal_order['order_id']}/plans", token=officer
    )
    assert [p["summary_zh"] for p in plans.json()] == ["每日送餐上门"]

    async def filed() -> str | None:
        # The history is sealed at rest: read it as the township does, through archive's API.
        rows = await fetch(
            e2e_stack.database_url("archive"),
            "select file_id from archive_file where person_id = $1::uuid",
            case.person_id,
        )
        if not rows:
            return None
        history = await case.api.call(
            "archive", "GET", f"/files/{rows[0]['file_id']}/history?size=100", token=officer
        )
        lines = [
            h["summary"]
            for h in history.json()["items"]
            if h["event_type"] == "dispatch.ServicePlanRecorded"
        ]
        return lines[0] if lines else None

    line = await wait_until(filed)  # the plan is in the person's file at archive too
    assert f"服务方案（第 1 版）：{meals} 自 {today} 起，LC-03 每日1次" == line

    recorded = [
        await care.report_service(case.api, meals, meal_order, minutes_ago=m, worker="w-e2e")
        for m in (50, 20)
    ]
    assert all(r.json()["accepted"] for r in recorded), [r.text for r in recorded]
    # The other provider cannot report on this order.
    foreign = await care.report_service(case.api, clean, meal_order, minutes_ago=40)
    assert foreign.status_code in (200, 404) and not foreign.json().get("accepted", False)

    async with TopicReader(e2e_stack.kafka_access(), topics.DISPATCH_SERVICES) as services:
        for r in recorded:
            delivered = await services.wait_for(
                lambda e, rid=r.json()["record_id"]: (
                    isinstance(e, ServiceDelivered) and str(e.record_id) == rid
                )
            )
            assert isinstance(delivered, ServiceDelivered) and delivered.provider_code == meals
