"""Issue 20 at dispatch: a provider's plan is agreed by the township (达成共识) or returned to
be revised; the answer reaches the bus and the provider's own topic; services under a plan
not agreed are accepted but flagged when the county's rule says so."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import PlanAnswered, ServicePlanAgreed, ServicePlanReturned

from .steps import accept, offer

pytestmark = pytest.mark.integration

COUNTY = "341702"


def plan_body(order: Any, version: int, today: Any, **changes: Any) -> dict[str, Any]:
    """A one-item plan for the order's person."""
    body = {
        "plan_id": str(changes.pop("plan_id", uuid.uuid4())),
        "version": version,
        "items": [
            {
                "order_id": str(order.order_id),
                "item_code": "LC-01",
                "frequency": {"times": 2, "per": "week"},
            }
        ],
        "starts_on": today.isoformat(),
        "summary_zh": "每周两次上门照料",
    }
    return body | changes


async def served(api: Any, bus: Any, make: SimpleNamespace, village: str) -> Any:
    """A recipient whose order its provider accepted."""
    case = await offer(api, bus, make, village, "pl")
    assert (await accept(api, case.order)).status_code == 200
    return case


async def propose(api: Any, order: Any, body: dict[str, Any]) -> None:
    stored = await api.client.post(
        "/provider/plans", json=body, headers=api.provider(order.provider_code)
    )
    assert stored.json() == {"stored": True}, stored.text


async def test_dispatch_a_plan_is_returned_revised_and_agreed(
    api: Any, bus: Any, probe: Any, make: SimpleNamespace
) -> None:
    village = "341702005202"
    township = village[:9]
    case = await served(api, bus, make, village)
    order, code = case.order, case.order.provider_code
    plan_id = uuid.uuid4()
    await propose(api, order, plan_body(order, 1, make.today(), plan_id=plan_id))

    queue = await api.client.get(
        "/plans", params={"state": "proposed"}, headers=api.township(township)
    )
    assert queue.status_code == 200, queue.text
    mine = [p for p in queue.json()["items"] if p["plan_id"] == str(plan_id)]
    assert [(p["version"], p["decision_level"]) for p in mine] == [(1, "township")]
    url = f"/plans/{plan_id}/decision"

    # The county does not answer a township's plan; a return needs its reason.
    county = await api.client.post(url, json={"version": 1, "agree": True}, headers=api.county())
    assert (county.status_code, county.json()["code"]) == (403, "township_decides")
    bare = await api.client.post(
        url, json={"version": 1, "agree": False}, headers=api.township(township)
    )
    assert (bare.status_code, bare.json()["code"]) == (422, "reason_required")

    back = {"version": 1, "agree": False, "reason_zh": "请增加每周上门次数"}
    returned = await api.client.post(url, json=back, headers=api.township(township))
    assert returned.status_code == 200, returned.text
    assert (returned.json()["state"], returned.json()["return_reason_zh"]) == (
        "returned",
        "请增加每周上门次数",
    )
    provider = await bus.provider(code)
    told = await provider.wait_for(PlanAnswered, plan_id=plan_id, agreed=False)
    assert (told.version, told.reason_zh) == (1, "请增加每周上门次数")
    services = await bus.topic(topics.DISPATCH_SERVICES)
    sent_back = await services.wait_for(ServicePlanReturned, plan_id=plan_id)
    assert (sent_back.township_code, sent_back.recipient_id) == (
        township,
        case.approved.recipient_id,
    )

    # Revised: proposed again; an answer to the old version is stale.
    await propose(api, order, plan_body(order, 2, make.today(), plan_id=plan_id))
    seen = await api.client.get(f"/plans/{plan_id}", headers=api.township(township))
    assert (seen.json()["state"], seen.json()["version"]) == ("proposed", 2)
    assert seen.json()["summary_zh"] == "每周两次上门照料"
    stale = await api.client.post(
        url, json={"version": 1, "agree": True}, headers=api.township(township)
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "plan_version_stale")
    agree = {"version": 2, "agree": True}
    agreed = await api.client.post(url, json=agree, headers=api.township(township))
    assert agreed.json()["state"] == "agreed", agreed.text
    await provider.wait_for(PlanAnswered, plan_id=plan_id, agreed=True)
    await services.wait_for(ServicePlanAgreed, plan_id=plan_id, version=2)

    # A retried answer changes nothing; each answer was told once.
    retry = await api.client.post(url, json=agree, headers=api.township(township))
    assert retry.status_code == 200
    assert len(await probe.emitted("dispatch.ServicePlanReturned", plan_id=plan_id)) == 1
    assert len(await probe.emitted("dispatch.ServicePlanAgreed", plan_id=plan_id)) == 1
    assert len(await probe.emitted("dispatch.PlanAnswered", plan_id=plan_id)) == 2
    assert len(provider.events(PlanAnswered, plan_id=plan_id)) == 2


async def test_dispatch_services_under_an_unagreed_plan_are_flagged_for_the_township(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702005201"
    township = village[:9]
    rule = await api.client.put(
        f"/plan-rules/{COUNTY}", json={"flag_unagreed": True, "grace_days": 0}, headers=api.county()
    )
    assert rule.status_code == 200, rule.text
    try:
        await _flagged_once(api, bus, make, village, township)
    finally:
        off = {"flag_unagreed": False, "grace_days": 0}
        restored = await api.client.put(f"/plan-rules/{COUNTY}", json=off, headers=api.county())
        assert restored.json()["version"] == rule.json()["version"] + 1


async def _flagged_once(
    api: Any, bus: Any, make: SimpleNamespace, village: str, township: str
) -> None:
    case = await served(api, bus, make, village)
    order, code = case.order, case.order.provider_code
    early = make.record(order.order_id, 0)
    counted = await api.client.post("/provider/records", json=early, headers=api.provider(code))
    assert counted.json()["accepted"] is True, counted.text  # accepted, but flagged

    plan_id = uuid.uuid4()
    await propose(api, order, plan_body(order, 1, make.today(), plan_id=plan_id))
    agreed = await api.client.post(
        f"/plans/{plan_id}/decision",
        json={"version": 1, "agree": True},
        headers=api.township(township),
    )
    assert agreed.json()["state"] == "agreed", agreed.text
    later = make.record(order.order_id, 1)
    counted = await api.client.post("/provider/records", json=later, headers=api.provider(code))
    assert counted.json()["accepted"] is True, counted.text

    listed = await api.client.get(
        "/records", params={"flag": "plan_unagreed"}, headers=api.township(township)
    )
    assert listed.status_code == 200, listed.text
    mine = [r for r in listed.json()["items"] if r["order_id"] == str(order.order_id)]
    assert [r["record_id"] for r in mine] == [early["record_id"]]
    elsewhere = await api.client.get(
        "/records", params={"flag": "plan_unagreed"}, headers=api.township("341702004")
    )
    assert all(r["township_code"] == "341702004" for r in elsewhere.json()["items"])
