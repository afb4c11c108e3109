"""Issue 7: stopping aid reaches every provider, the ledger and the notice board, in one trace."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from contracts import topics
from contracts.dispatch import ServiceDelivered
from contracts.dispatch.provider_topic import OrderCancelled
from contracts.samples import sample
from devstack.journeys import care
from devstack.journeys.application import (
    APPROVAL,
    VILLAGE,
    Case,
    catalogue_loaded,
    decide,
    register,
    submit,
    survey_and_pass,
    survey_task,
)
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader, produce_raw
from devstack.journeys.traces import services_in, spans_of
from devstack.stack import Stack

pytestmark = pytest.mark.e2e
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def approved_with_two_providers(stack: Stack, tag: str) -> tuple[Case, str, list]:
    """A recipient whose meals and cleaning orders were accepted by two providers."""
    api = Case(stack).api
    meals, clean = f"meals-{tag}", f"clean-{tag}"
    ids = {
        meals: (await care.register_provider(api, meals, ["LC-03"], VILLAGE))["provider_id"],
        clean: (await care.register_provider(api, clean, ["CL-01"], VILLAGE))["provider_id"],
    }
    case = Case(stack)
    assert (await submit(case)).status_code == 201
    assert (await register(case)).status_code == 200
    await survey_task(case)
    await survey_and_pass(case)
    decided = await decide(case, APPROVAL)
    assert decided.status_code == 201, decided.text
    recipient_id = decided.json()["recipient_id"]
    orders = []
    for provider in (meals, clean):
        for order in await care.orders_of(api, provider, recipient_id):
            await care.accept(api, provider, order)
            orders.append((provider, order | {"provider_id": ids[provider]}))
    return case, recipient_id, orders


async def billed(stack: Stack, record_id: str) -> bool:
    rows = await fetch(
        stack.database_url("settlement"),
        "select billing_status from service_record where record_id = $1::uuid",
        record_id,
    )
    return bool(rows) and rows[0]["billing_status"] == "billed"


async def board(stack: Stack) -> str:
    import httpx

    async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
        return (await client.get(f"/boards/{VILLAGE}")).text


async def test_stopping_aid_reaches_providers_ledger_and_board_in_one_trace(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    case, recipient_id, orders = await approved_with_two_providers(e2e_stack, tag)
    (meals, meal_order) = orders[0]
    served = await care.report_service(case.api, meals, meal_order, minutes_ago=30)
    assert served.status_code == 200 and served.json()["accepted"], served.text
    record_id = served.json()["record_id"]
    await wait_until(lambda: billed(e2e_stack, record_id))

    readers = {
        p: TopicReader(e2e_stack.kafka_bootstrap, topics.provider_orders(p)) for p, _ in orders
    }
    for reader in readers.values():
        await reader.__aenter__()
    try:
        stop = Case(e2e_stack)  # the officer's request starts its own trace
        today = datetime.now(SHANGHAI).date()
        changed = await care.change_status(
            stop,
            recipient_id,
            {
                "status": "stopped",
                "effective_date": today.isoformat(),
                "reason_code": "assistance_stopped",
                "reason_zh": "家庭收入超过低保标准",
            },
        )
        assert changed.status_code == 200, changed.text

        # Both providers are told on their own topics.
        for provider, order in orders:
            cancelled = await readers[provider].wait_for(
                lambda e, o=order: (
                    isinstance(e, OrderCancelled) and str(e.order_id) == o["order_id"]
                )
            )
            assert isinstance(cancelled, OrderCancelled)
    finally:
        for reader in readers.values():
            await reader.__aexit__(None, None, None)

    # Settlement reverses what was billed from the stop date, and refuses a later record.
    async def reversed_() -> bool:
        rows = await fetch(
            e2e_stack.database_url("settlement"),
            "select kind from ledger_line where record_id = $1::uuid",
            record_id,
        )
        return {"charge", "reversal"} <= {r["kind"] for r in rows}

    await wait_until(reversed_)
    late = sample(
        ServiceDelivered,
        order_id=uuid.UUID(meal_order["order_id"]),
        recipient_id=uuid.UUID(recipient_id),
        person_id=uuid.UUID(meal_order["person_id"]),
        subject_key=meal_order["person_id"],
        provider_code=meals,
        item_code="LC-03",
        service_date=today,
        village_code=VILLAGE,
        township_code="341702100",
        county_code="341702",
    )
    await produce_raw(
        e2e_stack.kafka_bootstrap,
        topics.DISPATCH_SERVICES,
        late.to_json_bytes(),
        key=late.subject_key.encode(),
    )

    async def refused() -> bool:
        rows = await fetch(
            e2e_stack.database_url("settlement"),
            "select billing_status, reason_code from service_record where record_id = $1::uuid",
            str(late.record_id),
        )
        return (
            bool(rows)
            and rows[0]["billing_status"] != "billed"
            and rows[0]["reason_code"] is not None
        )

    await wait_until(refused)

    # The village board no longer lists the person among those served.
    name = meal_order["display_name"]

    async def dropped() -> bool:
        html = await board(e2e_stack)
        current = html.split("本月减少")[0] if "本月减少" in html else html
        return name not in current

    await wait_until(dropped)

    # One trace from review's HTTP span to the consumers in dispatch, settlement and archive.
    async def traced() -> bool:
        spans = spans_of(e2e_stack.sink_file, stop.trace_id)
        return "review" in services_in(spans, "SERVER") and {
            "dispatch",
            "settlement",
            "archive",
        } <= services_in(spans, "CONSUMER")

    await wait_until(traced)
