"""What a township reads across its orders and homes (issue 22): the changes no provider has
acknowledged yet (overdue once their deadline passed), its love-doorbell alerts, open or
answered, and its villages' neighbour helpers. Only officers whose jurisdiction covers the
township may read any of them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from contracts import topics
from contracts.dispatch import OrderCancelled, ServiceOrderEscalated

from .steps import two_item_orders

pytestmark = pytest.mark.integration

# 殷汇镇: no other dispatch integration test places orders or doorbells here.
TOWNSHIP = "341702100"
ORDERS_VILLAGE = f"{TOWNSHIP}201"
BELLS_VILLAGE = f"{TOWNSHIP}202"


async def test_dispatch_the_township_sees_the_changes_providers_have_not_acknowledged(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    case = await two_item_orders(api, bus, make, ORDERS_VILLAGE, "prompt", "mute")
    prompt, mute, orders = case.meals, case.clean, case.assigned
    await bus.publish(make.status_change(case.approved, "stopped", 2))
    notices = {
        code: await (await bus.provider(code)).wait_for(OrderCancelled, order_id=o.order_id)
        for code, o in orders.items()
    }
    ack = {
        "order_version": notices[prompt].version,
        "acknowledged_event_id": str(notices[prompt].event_id),
    }
    done = await api.client.post(
        f"/provider/orders/{orders[prompt].order_id}/change-acknowledgement",
        json=ack,
        headers=api.provider(prompt),
    )
    assert done.status_code == 200, done.text

    # One recipient's orders in the township (the console's recipient page reads these).
    orders_path = f"/townships/{TOWNSHIP}/orders"
    theirs = await api.client.get(
        orders_path,
        params={"recipient_id": str(case.approved.recipient_id)},
        headers=api.township(TOWNSHIP),
    )
    assert {o["order_id"] for o in theirs.json()["items"]} == {
        str(o.order_id) for o in orders.values()
    }
    nobodys = await api.client.get(
        orders_path, params={"recipient_id": str(uuid.uuid4())}, headers=api.township(TOWNSHIP)
    )
    assert (nobodys.json()["items"], nobodys.json()["total"]) == ([], 0)

    # Before its deadline the mute provider's change is listed, not yet overdue.
    path = f"/townships/{TOWNSHIP}/unacknowledged-changes"
    with clock.using(Clock.fixed(notices[mute].acknowledge_by - timedelta(seconds=1))):
        early = await api.client.get(path, headers=api.township(TOWNSHIP))
    assert early.status_code == 200, early.text
    assert (early.json()["total"], early.json()["page"], early.json()["size"]) == (1, 1, 20)
    [item] = early.json()["items"]
    assert item["change_id"] == str(notices[mute].event_id)
    assert (item["order_id"], item["provider_code"]) == (str(orders[mute].order_id), mute)
    assert (item["display_name"], item["kind"], item["overdue"]) == ("张*三", "cancelled", False)
    assert (item["village_code"], item["item_code"]) == (ORDERS_VILLAGE, "CL-01")
    assert item["recipient_id"] == str(case.approved.recipient_id)
    assert datetime.fromisoformat(item["acknowledge_by"]) == notices[mute].acknowledge_by
    assert datetime.fromisoformat(item["sent_at"]) <= datetime.now(UTC)

    # Past it, the watcher escalates it; it stays listed, now overdue, until acknowledged.
    await (await bus.topic(topics.DISPATCH_ORDERS)).wait_for(
        ServiceOrderEscalated, order_id=orders[mute].order_id, kind="change_not_acknowledged"
    )
    late = await api.client.get(path, headers=api.county())  # the county sees its townships
    assert late.status_code == 200, late.text
    [item] = late.json()["items"]
    assert (item["overdue"], item["escalated_at"] is not None) == (True, True)
    paged = await api.client.get(path, params={"page": 2}, headers=api.township(TOWNSHIP))
    assert (paged.json()["items"], paged.json()["total"]) == ([], 1)

    for outsider in (api.township("341702101"), api.as_("county_officer", "341721")):
        refused = await api.client.get(path, headers=outsider)
        assert (refused.status_code, refused.json()["code"]) == (403, "outside_jurisdiction")
    staff = await api.client.get(path, headers=api.village(ORDERS_VILLAGE))
    assert staff.status_code == 403
    unknown = await api.client.get(
        "/townships/341702999/unacknowledged-changes", headers=api.county()
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "township_not_found")


async def _doorbell(api: Any, bus: Any, make: SimpleNamespace) -> str:
    """A recipient of the village with one trained neighbour and a doorbell; its device id."""
    approved = make.approval(BELLS_VILLAGE, make.item("LC-01", "neighbour_mutual_aid"))
    await bus.publish(approved)
    staff = api.village(BELLS_VILLAGE, "coordinator")
    neighbour = {
        "name_zh": "邻居甲",
        "phone": "13700000009",
        "user_id": f"nb-{make.suffix()}",
        "trained_on": "2026-03-01",
    }
    helper = await api.client.post(
        f"/villages/{BELLS_VILLAGE}/neighbour-helpers", json=neighbour, headers=staff
    )
    assert helper.status_code == 201, helper.text
    bell = {
        "device_id": f"bell-{make.suffix()}",
        "recipient_id": str(approved.recipient_id),
        "helper_ids": [helper.json()["helper_id"]],
        "coordinator_user_id": f"u-coordinator-{BELLS_VILLAGE}",
    }
    # The recipient arrives through review's event; retry until dispatch has consumed it.
    await api.eventually(
        "POST", "/doorbells", lambda r: r.status_code == 201, json=bell, headers=staff
    )
    return str(bell["device_id"])


async def _press(api: Any, make: SimpleNamespace, device_id: str) -> str:
    body = {
        "press_id": f"p-{make.suffix()}",
        "device_id": device_id,
        "pressed_at": datetime.now(UTC).isoformat(),
    }
    raw, headers = make.signed(body)
    pressed = await api.client.post("/doorbell/presses", content=raw, headers=headers)
    assert pressed.status_code == 201, pressed.text
    return str(pressed.json()["alert_id"])


async def test_dispatch_the_township_lists_its_doorbell_alerts_open_or_answered(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    device_id = await _doorbell(api, bus, make)
    first = await _press(api, make, device_id)
    second = await _press(api, make, device_id)
    officer = api.township(TOWNSHIP)
    # The township officer may answer an alert of its villages (the console's button).
    answered = await api.client.post(f"/doorbell/alerts/{first}/acknowledge", headers=officer)
    assert answered.status_code == 200, answered.text

    path = f"/townships/{TOWNSHIP}/doorbell-alerts"
    every = await api.client.get(path, headers=officer)
    assert every.status_code == 200, every.text
    assert [a["alert_id"] for a in every.json()["items"]] == [second, first]  # newest first
    assert {a["display_name"] for a in every.json()["items"]} == {"张*三"}
    assert {a["village_code"] for a in every.json()["items"]} == {BELLS_VILLAGE}
    open_ = await api.client.get(path, params={"state": "open"}, headers=officer)
    assert [a["alert_id"] for a in open_.json()["items"]] == [second]
    assert open_.json()["items"][0]["acknowledged_at"] is None
    done = await api.client.get(path, params={"state": "acknowledged"}, headers=api.county())
    assert [a["alert_id"] for a in done.json()["items"]] == [first]
    one = await api.client.get(path, params={"size": 1, "page": 2}, headers=officer)
    assert ([a["alert_id"] for a in one.json()["items"]], one.json()["total"]) == ([first], 2)

    elsewhere = await api.client.get(path, headers=api.township("341702101"))
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "outside_jurisdiction")
    helper_login = api.village(BELLS_VILLAGE, "coordinator")
    assert (await api.client.get(path, headers=helper_login)).status_code == 403
    wrong = await api.client.get(path, params={"state": "lost"}, headers=officer)
    assert wrong.status_code == 422


async def _helper(api: Any, make: SimpleNamespace, village: str, name: str) -> str:
    """A trained neighbour registered in the village; their helper id."""
    neighbour = {
        "name_zh": name,
        "phone": "13700000008",
        "user_id": f"nb-{make.suffix()}",
        "trained_on": "2026-03-01",
    }
    url, staff = f"/villages/{village}/neighbour-helpers", api.village(village, "coordinator")
    helper = await api.client.post(url, json=neighbour, headers=staff)
    assert helper.status_code == 201, helper.text
    return str(helper.json()["helper_id"])


async def test_dispatch_the_township_lists_the_neighbours_of_its_villages(
    api: Any, make: SimpleNamespace
) -> None:
    # Registered out of order; the doorbell test may have added one more in BELLS_VILLAGE.
    mine = {
        "b": await _helper(api, make, ORDERS_VILLAGE, "邻居B"),
        "a": await _helper(api, make, ORDERS_VILLAGE, "邻居A"),
        "other": await _helper(api, make, BELLS_VILLAGE, "邻居A"),
    }
    officer, path = api.township(TOWNSHIP), f"/townships/{TOWNSHIP}/neighbour-helpers"
    every = await api.client.get(path, params={"size": 100}, headers=officer)
    assert every.status_code == 200, every.text
    items = every.json()["items"]
    ours = [h for h in items if h["helper_id"] in mine.values()]
    assert [h["helper_id"] for h in ours] == [mine["a"], mine["b"], mine["other"]]
    assert [h["village_code"] for h in ours] == [ORDERS_VILLAGE, ORDERS_VILLAGE, BELLS_VILLAGE]
    assert [h["village_code"] for h in items] == sorted(h["village_code"] for h in items)
    assert every.json()["total"] == len(items)
    # As the village's own list: no phone, no training organisation.
    assert not {"phone", "training_org_zh"} & set(ours[0])

    one = {"village_code": ORDERS_VILLAGE}
    village = await api.client.get(path, params=one | {"size": 100}, headers=api.county())
    assert {h["village_code"] for h in village.json()["items"]} == {ORDERS_VILLAGE}
    listed = [h["helper_id"] for h in village.json()["items"]]
    assert listed.index(mine["a"]) < listed.index(mine["b"]) and mine["other"] not in listed
    second = await api.client.get(path, params=one | {"size": 1, "page": 2}, headers=officer)
    body = second.json()
    assert (body["total"], body["page"], body["size"]) == (len(listed), 2, 1)
    assert [h["helper_id"] for h in body["items"]] == listed[1:2]

    elsewhere = await api.client.get(path, headers=api.township("341702101"))
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (403, "outside_jurisdiction")
    staff = api.village(ORDERS_VILLAGE, "coordinator")
    assert (await api.client.get(path, headers=staff)).status_code == 403
    outside = await api.client.get(path, params={"village_code": "341702101201"}, headers=officer)
    assert outside.status_code == 422, outside.text
    problem = outside.json()
    assert problem["code"] == "village_not_in_township"
    [error] = problem["errors"]
    assert (error["field"], error["message"]) == (
        "query.village_code",
        "该村(社区)不属于本乡镇(街道)",
    )
