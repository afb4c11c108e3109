"""Issue 20 through the running services: an active recipient's services change, and an
emergency is cared for at once and ended at its deadline when nobody confirms it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from civic import clock
from contracts import topics
from contracts.dispatch.provider_topic import PlanAnswered
from devstack.journeys import care
from devstack.journeys.application import (
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    Case,
    approval,
    catalogue_loaded,
    decide,
    register,
    submit,
    survey_and_pass,
    survey_task,
)
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader
from devstack.stack import Stack

pytestmark = pytest.mark.e2e

MEALS = {
    "item_code": "LC-03",
    "mode": "government_purchase",
    "frequency": {"times": 1, "per": "day"},
    "funding_source": "home_elderly_care",
}


async def orders_by_item(stack: Stack, recipient_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every order dispatch holds for the recipient, by item (whatever its status)."""
    rows = await fetch(
        stack.database_url("dispatch"),
        "select order_id::text, item_code, status, provider_code, version, start_date"
        " from service_order where recipient_id = $1::uuid",
        recipient_id,
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["item_code"], []).append(dict(row))
    return found


async def meals_only_recipient(stack: Stack) -> tuple[Case, str]:
    """A recipient approved for meals only (the survey recommended meals and cleaning)."""
    case = Case(stack)
    assert (await submit(case)).status_code == 201
    assert (await register(case)).status_code == 200
    await survey_task(case)
    await survey_and_pass(case)
    decided = await decide(case, approval() | {"items": [MEALS]})
    assert decided.status_code == 201, decided.text
    return case, str(decided.json()["recipient_id"])


async def changed(case: Case, recipient_id: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Village staff propose ``changes`` and the township officer approves them."""
    staff = case.token("village_staff", VILLAGE, "e2e-village")
    body = {
        "changes": changes,
        "reason_code": "needs_changed",
        "reason_zh": "服务需求变化",
        "effective_date": clock.today().isoformat(),
    }
    path = f"/recipients/{recipient_id}/service-changes"
    proposed = await case.api.call("review", "POST", path, token=staff, json=body)
    assert proposed.status_code == 201, proposed.text
    officer = case.token("township_officer", TOWNSHIP, "e2e-officer")
    decision = {"decision": "approve"}
    change_id = proposed.json()["change_id"]
    path = f"/service-changes/{change_id}/decision"
    approved = await case.api.call("review", "POST", path, token=officer, json=decision)
    assert approved.status_code == 200, approved.text
    result: dict[str, Any] = approved.json()
    return result


async def test_adding_cleaning_opens_one_order_billed_and_removing_meals_cancels_only_it(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    api = Case(e2e_stack).api
    await care.register_provider(api, f"meals-{tag}", ["LC-03"], VILLAGE)
    cleaner = f"clean-{tag}"
    await care.register_provider(api, cleaner, ["CL-01"], VILLAGE)
    case, recipient_id = await meals_only_recipient(e2e_stack)
    (meal_order,) = await care.recipient_orders(api, recipient_id, want=1)
    await care.accept(api, meal_order["provider_code"], meal_order)

    # Cleaning added, at the provider the township chose: one order, from the effective day.
    cleaning = {"action": "add", "item_code": "CL-01", "mode": "government_purchase"}
    cleaning |= {"frequency": {"times": 2, "per": "month"}, "funding_source": "tekun_care"}
    await changed(case, recipient_id, [cleaning | {"provider_code": cleaner}])

    async def cleaning_ordered() -> list[dict[str, Any]] | None:
        return (await orders_by_item(e2e_stack, recipient_id)).get("CL-01")

    (clean_order,) = await wait_until(cleaning_ordered)
    assert clean_order["provider_code"] == cleaner
    assert clean_order["start_date"] == clock.today()
    await care.accept(api, cleaner, clean_order | {"start_date": clock.today().isoformat()})

    # Settlement bills the new item's service from the effective day.
    served = await care.report_service(
        api, cleaner, clean_order | {"start_date": clock.today().isoformat()}, minutes_ago=5
    )
    assert served.status_code == 200 and served.json()["accepted"], served.text

    async def billed() -> bool:
        rows = await fetch(
            e2e_stack.database_url("settlement"),
            "select r.billing_status, l.amount_fen from service_record r"
            " left join ledger_line l on l.record_id = r.record_id where r.record_id = $1::uuid",
            served.json()["record_id"],
        )
        return bool(rows) and rows[0]["billing_status"] == "billed" and rows[0]["amount_fen"] > 0

    await wait_until(billed)
    (before,) = (await orders_by_item(e2e_stack, recipient_id))["CL-01"]

    # Meals removed: exactly that order ends; the cleaning order is untouched.
    await changed(case, recipient_id, [{"action": "remove", "item_code": "LC-03"}])

    async def meals_cancelled() -> dict[str, list[dict[str, Any]]] | None:
        orders = await orders_by_item(e2e_stack, recipient_id)
        return orders if orders["LC-03"][0]["status"] == "cancelled" else None

    orders = await wait_until(meals_cancelled)
    assert len(orders["LC-03"]) == 1 and len(orders["CL-01"]) == 1
    (after,) = orders["CL-01"]
    assert after == before, "removing meals touched the cleaning order"


async def test_an_emergency_is_served_at_once_and_ended_at_its_deadline_unconfirmed(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    api = Case(e2e_stack).api
    await care.register_provider(api, f"meals-{uuid.uuid4().hex[:6]}", ["LC-03"], VILLAGE)
    case = Case(e2e_stack)
    assert (await submit(case)).status_code == 201
    assert (await register(case)).status_code == 200

    # The coordinator opens temporary meals for two (test-length) days; nobody confirms.
    coordinator = case.token("coordinator", VILLAGE, "e2e-coordinator")
    body = {
        "application_id": case.application_id,
        "items": [MEALS],
        "days": 2,
        "reason_zh": "独居老人突发无人照料",
    }
    opened = await api.call("review", "POST", "/emergencies", token=coordinator, json=body)
    assert opened.status_code == 201, opened.text
    recipient_id = str(opened.json()["recipient_id"])

    async def ordered() -> list[dict[str, Any]] | None:
        return (await orders_by_item(e2e_stack, recipient_id)).get("LC-03")

    (order,) = await wait_until(ordered)
    assert order["provider_code"], "the emergency's meals were not placed with a provider"

    # Its deadline passes: the services end and the township sees it in its queue.
    async def ended() -> bool:
        (now,) = (await orders_by_item(e2e_stack, recipient_id))["LC-03"]
        return now["status"] == "cancelled"

    await wait_until(ended)
    officer = case.token("township_officer", TOWNSHIP, "e2e-officer")
    listed = await api.call("review", "GET", "/emergencies?state=ended&size=100", token=officer)
    assert recipient_id in {str(e["recipient_id"]) for e in listed.json()["items"]}, listed.text
    county = case.token("county_officer", COUNTY, "e2e-county")
    recipient = await api.call("review", "GET", f"/recipients/{recipient_id}", token=county)
    assert recipient.json()["status"] == "stopped", recipient.text


async def test_a_plan_sent_back_is_revised_proposed_again_and_agreed(e2e_stack: Stack) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    case, _, orders = await care.approved_with_two_providers(e2e_stack, uuid.uuid4().hex[:6])
    (meals, meal_order) = orders[0]
    provider = case.api.token(roles=["provider"], provider_code=meals, user_id=f"u-{meals}")
    officer = case.token("township_officer", TOWNSHIP, "e2e-officer")
    plan_id = str(uuid.uuid4())

    async def propose(version: int, summary: str) -> None:
        item = {"order_id": meal_order["order_id"], "item_code": "LC-03"}
        item |= {"frequency": {"times": 1, "per": "day"}}
        plan = {"plan_id": plan_id, "version": version, "starts_on": clock.today().isoformat()}
        plan |= {"summary_zh": summary, "items": [item]}
        got = await case.api.call("dispatch", "POST", "/provider/plans", token=provider, json=plan)
        assert got.status_code == 200, got.text

    async def answer(version: int, agree: bool, reason: str | None = None) -> dict[str, Any]:
        body = {"version": version, "agree": agree, "reason_zh": reason}
        path = f"/plans/{plan_id}/decision"
        got = await case.api.call("dispatch", "POST", path, token=officer, json=body)
        assert got.status_code == 200, got.text
        answered: dict[str, Any] = got.json()
        return answered

    await propose(1, "每日送餐上门")
    queue = await case.api.call("dispatch", "GET", "/plans?state=proposed&size=100", token=officer)
    assert plan_id in {p["plan_id"] for p in queue.json()["items"]}, queue.text
    returned = await answer(1, agree=False, reason="请写明送餐时段和忌口安排")
    assert returned["state"] == "returned"

    await propose(2, "每日午间送餐上门，少盐少糖")
    again = await case.api.call("dispatch", "GET", f"/plans/{plan_id}", token=officer)
    assert (again.json()["state"], again.json()["version"]) == ("proposed", 2), again.text
    assert (await answer(2, agree=True))["state"] == "agreed"

    # The provider was told both answers on its own topic, in order.
    async with TopicReader(e2e_stack.kafka_access(), topics.provider_orders(meals)) as reader:

        def answers() -> list[PlanAnswered]:
            seen = [e for e in reader.events() if isinstance(e, PlanAnswered)]
            return [e for e in seen if str(e.plan_id) == plan_id]

        await reader.wait_for(lambda e: len(answers()) >= 2)
        assert [(a.version, a.agreed) for a in answers()] == [(1, False), (2, True)]
