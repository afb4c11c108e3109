"""Issue 19: who watches the providers. A hotline complaint about a missed meal reaches the
provider and the township, passes its deadline and goes to the county, is found true; the
record is reversed, the person's file holds every step, and the provider's month score falls.
A village visit finds another meal not delivered and the ledger reverses it too."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from civic import clock
from contracts import calendar, topics
from contracts.supervision import ComplaintNoticed
from devstack.journeys import care
from devstack.journeys.api import Api
from devstack.journeys.application import COUNTY, TOWNSHIP, VILLAGE, catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


async def ledger_kinds(stack: Stack, record_id: str) -> set[str]:
    """The kinds of the ledger lines of a service record (charge, reversal …)."""
    rows = await fetch(
        stack.database_url("settlement"),
        "select kind from ledger_line where record_id = $1::uuid",
        record_id,
    )
    return {row["kind"] for row in rows}


async def served(stack: Stack, api: Api, meals: str, order: dict[str, Any], ago: int) -> str:
    """The provider reports a meal; returns its record id once settlement has billed it."""
    answer = await care.report_service(api, meals, order, minutes_ago=ago)
    assert answer.status_code == 200 and answer.json()["accepted"], answer.text
    record_id: str = answer.json()["record_id"]

    async def billed() -> bool:
        return "charge" in await ledger_kinds(stack, record_id)

    await wait_until(billed)
    return record_id


async def month_score(api: Api, provider_id: str) -> int:
    """The county evaluates this month; the provider's score (a new or the stored revision)."""
    county = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    period = calendar.month_of(clock.now())
    run = await api.call(
        "settlement",
        "POST",
        "/evaluations/runs",
        token=county,
        json={"county_code": COUNTY, "period": period},
    )
    assert run.status_code == 200, run.text
    listed = await api.call(
        "settlement",
        "GET",
        f"/evaluations?county_code={COUNTY}&period={period}&kind=provider&size=100",
        token=county,
    )
    assert listed.status_code == 200, listed.text
    (mine,) = [e for e in listed.json()["items"] if e["subject"] == provider_id]
    score: int = mine["score"]
    return score


async def complaint(api: Api, complaint_id: str, token: str) -> dict[str, Any]:
    """The complaint as the queue shows it (ids, codes, level and deadline)."""
    got = await api.call("dispatch", "GET", "/complaints?size=100", token=token)
    assert got.status_code == 200, got.text
    (found,) = [c for c in got.json()["items"] if c["complaint_id"] == complaint_id]
    return dict(found)


async def test_a_missed_meal_complaint_escalates_is_upheld_and_costs_the_provider(
    e2e_stack: Stack,
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    case, _, orders = await care.approved_with_two_providers(e2e_stack, tag)
    api = case.api
    meals, meal_order = orders[0]
    complained_of = await served(e2e_stack, api, meals, meal_order, ago=40)
    visited = await served(e2e_stack, api, meals, meal_order, ago=20)
    before = await month_score(api, meal_order["provider_id"])

    # The hotline (staffed by the township) takes the call; the provider hears on its topic.
    township = api.token(roles=["township_officer"], division=TOWNSHIP, user_id="e2e-hotline")
    county = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    body = {
        "person_id": meal_order["person_id"],
        "category": "service_not_delivered",
        "description_zh": "老人来电反映当天午餐没有送到",
        "order_id": meal_order["order_id"],
        "record_id": complained_of,
    }
    async with TopicReader(e2e_stack.kafka_access(), topics.provider_orders(meals)) as reader:
        filed = await api.call("dispatch", "POST", "/complaints", token=township, json=body)
        assert filed.status_code == 201, filed.text
        complaint_id = filed.json()["complaint_id"]
        notice = await reader.wait_for(
            lambda e: isinstance(e, ComplaintNoticed) and str(e.complaint_id) == complaint_id
        )
    assert isinstance(notice, ComplaintNoticed) and str(notice.record_id) == complained_of
    assert (await complaint(api, complaint_id, township))["supervision_level"] == "township"

    # Nobody answers in time: it goes up to the county (48 SLA hours of 0.2 s in this stack).
    async def escalated() -> bool:
        return (await complaint(api, complaint_id, county))["supervision_level"] == "county"

    await wait_until(escalated)
    resolution = {"outcome": "substantiated", "complainant_told_on": clock.today().isoformat()}
    path = f"/complaints/{complaint_id}/resolution"
    upheld = await api.call("dispatch", "POST", path, token=county, json=resolution)
    assert upheld.status_code == 200, upheld.text

    # A village visit finds the other meal was not delivered either.
    village = api.token(roles=["village_staff"], division=VILLAGE, user_id="e2e-village")
    visit = {
        "kind": "unannounced",
        "record_id": visited,
        "outcome": "not_delivered",
        "findings": "入户回访，老人说当天没有送餐",
        "checked_on": clock.today().isoformat(),
    }
    seen = await api.call("settlement", "POST", "/inspections", token=village, json=visit)
    assert seen.status_code == 201, seen.text
    assert seen.json()["supervision_level"] == "village"

    async def both_reversed() -> bool:
        kinds = [await ledger_kinds(e2e_stack, r) for r in (complained_of, visited)]
        return all({"charge", "reversal"} <= k for k in kinds)

    await wait_until(both_reversed)

    # Every step of the complaint, and the visit, are in the person's file.
    async def filed_in_archive() -> bool:
        rows = await fetch(
            e2e_stack.database_url("archive"),
            "select event_type from file_history where person_id = $1::uuid",
            meal_order["person_id"],
        )
        steps = {row["event_type"] for row in rows}
        return {
            "dispatch.ComplaintOpened",
            "dispatch.ComplaintEscalated",
            "dispatch.ComplaintResolved",
            "settlement.InspectionRecorded",
        } <= steps

    await wait_until(filed_in_archive)

    coverage = await api.call(
        "settlement", "GET", f"/spot-checks/{COUNTY}/{clock.today().year}/coverage", token=county
    )
    assert coverage.status_code == 200, coverage.text
    figures = coverage.json()["county"]
    assert figures["checked"] >= 1 and figures["failed"] >= 1, figures
    assert {"drawn", "checked", "passed", "failed"} <= set(figures)

    assert await month_score(api, meal_order["provider_id"]) < before
