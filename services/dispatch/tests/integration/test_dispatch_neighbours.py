"""Neighbour mutual aid and the love doorbell: helpers, their services, presses, answers, silence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import (
    AlertAcknowledged,
    AlertEscalated,
    AlertSent,
    DoorbellPressed,
    NeighbourServiceRecorded,
)

pytestmark = pytest.mark.integration


async def household(api: Any, bus: Any, make: SimpleNamespace, village: str) -> dict[str, Any]:
    """A recipient living alone, two trained neighbours, a coordinator and a doorbell."""
    approved = make.approval(village, make.item("LC-01", "neighbour_mutual_aid"))
    await bus.publish(approved)
    staff = api.village(village, "coordinator")
    helpers = []
    for n in (1, 2):
        body = {
            "name_zh": f"邻居{n}",
            "phone": f"1370000000{n}",
            "user_id": f"nb-{make.suffix()}",
            "channel": "sms",
            "trained_on": "2026-03-01",
        }
        made = await api.client.post(
            f"/villages/{village}/neighbour-helpers", json=body, headers=staff
        )
        assert made.status_code == 201, made.text
        helpers.append(made.json())
    bell = {
        "device_id": f"bell-{make.suffix()}",
        "recipient_id": str(approved.recipient_id),
        "helper_ids": [h["helper_id"] for h in helpers],
        "coordinator_user_id": f"u-coordinator-{village}",
    }
    # The recipient arrives through review's event; retry until dispatch has consumed it.
    await api.eventually(
        "POST", "/doorbells", lambda r: r.status_code == 201, json=bell, headers=staff
    )
    return {"approved": approved, "helpers": helpers, "bell": bell, "staff": staff}


async def press(api: Any, make: SimpleNamespace, device_id: str) -> dict[str, Any]:
    body = {
        "press_id": f"p-{make.suffix()}",
        "device_id": device_id,
        "pressed_at": datetime.now(UTC).isoformat(),
    }
    raw, headers = make.signed(body)
    pressed = await api.client.post("/doorbell/presses", content=raw, headers=headers)
    assert pressed.status_code == 201, pressed.text
    again = await api.client.post("/doorbell/presses", content=raw, headers=headers)
    assert again.json()["alert_id"] == pressed.json()["alert_id"]  # a gateway retry
    return dict(pressed.json())


async def test_dispatch_a_press_alerts_the_neighbours_and_an_answer_is_recorded(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702105202"
    home = await household(api, bus, make, village)
    alert = await press(api, make, home["bell"]["device_id"])
    helper_users = [h["user_id"] for h in home["helpers"]]
    alerted = [n["user_id"] for n in alert["notices"]]
    assert alerted == [*helper_users, f"u-coordinator-{village}"]

    doorbell = await bus.topic(topics.DISPATCH_DOORBELL)
    alert_id = uuid.UUID(alert["alert_id"])
    await doorbell.wait_for(DoorbellPressed, alert_id=alert_id)
    sent = await doorbell.wait_for(AlertSent, alert_id=alert_id)
    assert list(sent.helper_ids) == alerted
    assert set(sent.channels) == {"sms", "app_push"}

    stranger = api.as_("coordinator", "341702106201", user_id="u-elsewhere")
    url = f"/doorbell/alerts/{alert_id}/acknowledge"
    assert (await api.client.post(url, headers=stranger)).status_code == 403
    neighbour = api.as_("village_staff", village, user_id=helper_users[1])
    answered = await api.client.post(url, headers=neighbour)
    assert answered.status_code == 200, answered.text
    assert [a["user_id"] for a in answered.json()["acks"]] == [helper_users[1]]
    ack = await doorbell.wait_for(AlertAcknowledged, alert_id=alert_id)
    assert ack.acknowledged_by == helper_users[1]
    history = await api.client.get(f"/doorbell/alerts/{alert_id}", headers=home["staff"])
    assert history.json()["acknowledged_at"] is not None


async def test_dispatch_a_press_nobody_answers_escalates_to_the_duty_list(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702106202"
    township = village[:9]
    home = await household(api, bus, make, village)
    duty = {"members": [{"user_id": "u-duty-1", "channel": "voice_call"}]}
    put = await api.client.put(
        f"/townships/{township}/duty-list", json=duty, headers=api.township(township)
    )
    assert put.status_code == 200, put.text
    alert = await press(api, make, home["bell"]["device_id"])

    doorbell = await bus.topic(topics.DISPATCH_DOORBELL)
    alert_id = uuid.UUID(alert["alert_id"])
    escalated = await doorbell.wait_for(AlertEscalated, alert_id=alert_id)
    assert (escalated.level, escalated.escalated_to) == (1, "township_officer")
    assert (escalated.notified_ids, escalated.township_code) == (("u-duty-1",), township)
    history = await api.client.get(f"/doorbell/alerts/{alert_id}", headers=home["staff"])
    notices = [(n["user_id"], n["purpose"]) for n in history.json()["notices"]]
    assert notices[-1] == ("u-duty-1", "escalation")
    assert doorbell.events(AlertAcknowledged, alert_id=alert_id) == []


async def test_dispatch_only_the_gateway_may_ring(api: Any, make: SimpleNamespace) -> None:
    body = {"press_id": "p-forged", "device_id": "bell-x", "pressed_at": "2026-06-01T08:00:00Z"}
    unsigned = await api.client.post("/doorbell/presses", json=body)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "bad_gateway_signature")
    raw, headers = make.signed(body)
    unknown = await api.client.post("/doorbell/presses", content=raw, headers=headers)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "doorbell_not_registered")


async def test_dispatch_the_village_records_neighbour_services_for_the_yearly_subsidy(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    village = "341702107202"
    home = await household(api, bus, make, village)
    helper = home["helpers"][0]
    body = {
        "record_id": str(uuid.uuid4()),
        "helper_id": helper["helper_id"],
        "recipient_id": str(home["approved"].recipient_id),
        "service_date": make.today().isoformat(),
        "count": 3,
        "content_zh": "代购、打扫、陪同就医",
    }
    url = f"/villages/{village}/neighbour-services"
    for _ in range(2):  # a retry records it once
        done = await api.client.post(url, json=body, headers=home["staff"])
        assert done.status_code == 201, done.text
    summary = await api.client.get(
        f"{url}/summary", params={"year": make.today().year}, headers=home["staff"]
    )
    totals = {h["helper_id"]: (h["services"], h["days"]) for h in summary.json()["helpers"]}
    assert totals[helper["helper_id"]] == (3, 1)
    assert totals[home["helpers"][1]["helper_id"]] == (0, 0)
    services = await bus.topic(topics.DISPATCH_SERVICES)
    event = await services.wait_for(
        NeighbourServiceRecorded, record_id=uuid.UUID(body["record_id"])
    )
    assert (event.count, event.township_code) == (3, village[:9])
    outsider = {**body, "record_id": str(uuid.uuid4())}
    elsewhere = await api.client.post(
        "/villages/341702100202/neighbour-services", json=outsider, headers=home["staff"]
    )
    assert elsewhere.status_code == 403
