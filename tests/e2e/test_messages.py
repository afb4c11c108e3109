"""Issue 20: messages that arrive. Through the running services: a county officer configures
the county's SMS channel through the API, a neighbour helper says how to be reached, a
doorbell press in a recipient's home reaches devstack's real SMS gateway, is sent again
after the gateway's 500, and the gateway's signed delivery receipt is recorded.

The stack's dispatch holds no doorbell gateway secret and waits 30 s after a failed send, so
a second dispatch process (same database, same consumer groups: a replica) is started with
both; whichever replica's sender claims a message, the gateway posts its receipt back."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from civic import clock
from devstack import procs
from devstack.journeys.api import Api
from devstack.journeys.application import (
    COUNTY,
    STAFF,
    Case,
    approved,
    catalogue_loaded,
)
from devstack.journeys.db import fetch, wait_until
from devstack.services import ServiceProcess
from devstack.sms_gateway import Reply, SmsGateway
from devstack.stack import Stack

pytestmark = pytest.mark.e2e

BELL_SECRET = "e2e-doorbell-gateway-secret"
TEMPLATES = {"doorbell_alert": "SMS_E2E_ALERT", "alert_escalation": "SMS_E2E_ESC"}


@pytest.fixture
async def twin(e2e_stack: Stack) -> AsyncIterator[ServiceProcess]:
    """A second dispatch process that trusts the doorbell gateway and retries quickly."""
    port = procs.free_port()
    env = {
        "DOORBELL_GATEWAY_SECRET": BELL_SECRET,
        "MESSAGE_POLL_S": "0.2",
        "MESSAGE_BACKOFF_S": "0.5",
        "MESSAGE_CALLBACK_BASE_URL": f"http://127.0.0.1:{port}",
    }
    process = e2e_stack.second_instance("dispatch", port, env)
    await asyncio.to_thread(process.start)
    try:
        await asyncio.to_thread(process.wait_ready, 90.0)
        yield process
    finally:
        await asyncio.to_thread(process.stop)


async def recipient_in_dispatch(stack: Stack, recipient_id: str) -> None:
    """Waits until dispatch has heard of the approval."""

    async def known() -> bool:
        rows = await fetch(
            stack.database_url("dispatch"),
            "select 1 from recipient where recipient_id = $1::uuid",
            recipient_id,
        )
        return bool(rows)

    await wait_until(known, timeout=90)


async def doorbell_for(api: Api, case: Case, recipient_id: str, helper_user: str) -> str:
    """Village staff register a neighbour helper and a doorbell; returns the device id."""
    staff = api.token(roles=["village_staff"], division=case.village, user_id=STAFF)
    helper = {
        "name_zh": "赵邻居",
        "phone": "13900000021",
        "user_id": helper_user,
        "trained_on": clock.today().isoformat(),
    }
    path = f"/villages/{case.village}/neighbour-helpers"
    made = await api.call("dispatch", "POST", path, token=staff, json=helper)
    assert made.status_code == 201, made.text
    device = f"bell-{uuid.uuid4().hex[:8]}"
    bell = {
        "device_id": device,
        "recipient_id": recipient_id,
        "helper_ids": [made.json()["helper_id"]],
        "coordinator_user_id": f"coord-{device}",
    }
    made = await api.call("dispatch", "POST", "/doorbells", token=staff, json=bell)
    assert made.status_code == 201, made.text
    return device


async def configure(api: Api, case: Case, gateway: SmsGateway, helper_user: str) -> None:
    """The county's channel and the helper's phone, through the API."""
    county = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    channel = {
        "kind": "sms",
        "endpoint_url": gateway.url,
        "templates": TEMPLATES,
        "secret": gateway.secret,
    }
    path = f"/notification-channels/{COUNTY}"
    put = await api.call("dispatch", "PUT", path, token=county, json=channel)
    assert put.status_code == 200, put.text
    staff = api.token(roles=["village_staff"], division=case.village, user_id=STAFF)
    pref = {"division_code": case.village, "kind": "sms", "phone": "13900000021"}
    path = f"/message-preferences/{helper_user}"
    put = await api.call("dispatch", "PUT", path, token=staff, json=pref)
    assert put.status_code == 200, put.text


async def press(twin: ServiceProcess, device: str) -> dict[str, Any]:
    """The doorbell gateway reports a press (signed), to the replica that trusts it."""
    body = {
        "press_id": uuid.uuid4().hex,
        "device_id": device,
        "pressed_at": clock.now().isoformat(),
    }
    raw = json.dumps(body).encode()
    digest = hmac.new(BELL_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"X-Doorbell-Signature": f"sha256={digest}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=twin.url, timeout=30) as client:
        answer = await client.post("/doorbell/presses", content=raw, headers=headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_a_doorbell_press_reaches_the_gateway_retried_once_and_its_receipt_recorded(
    e2e_stack: Stack, twin: ServiceProcess
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    case = Case(e2e_stack)
    recipient_id = await approved(case)
    await recipient_in_dispatch(e2e_stack, recipient_id)
    helper_user = f"nb-{uuid.uuid4().hex[:8]}"
    device = await doorbell_for(case.api, case, recipient_id, helper_user)

    with SmsGateway(receipt_url=f"{twin.url}/messages/receipts/{COUNTY}") as gateway:
        await configure(case.api, case, gateway, helper_user)
        gateway.script(Reply(500))
        alert = await press(twin, device)

        seen = await asyncio.to_thread(gateway.wait_for, "requests", 2, 90.0)
        assert [r.status for r in seen[:2]] == [500, 200]
        assert seen[0].body["reference"] == seen[1].body["reference"]
        assert seen[1].body["phone"] == "13900000021"
        assert seen[1].body["template_code"] == "SMS_E2E_ALERT"
        assert seen[1].body["params"]["code"] == alert["alert_id"].replace("-", "")[:6].upper()
        assert "桂英" not in json.dumps(seen[1].body, ensure_ascii=False)  # masked name only
        receipts = await asyncio.to_thread(gateway.wait_for, "receipts", 1, 60.0)
        assert receipts[0].status == 204, receipts[0]

    async def delivered() -> list[Any]:
        return await fetch(
            e2e_stack.database_url("dispatch"),
            "select state, attempts, receipt_at from notification_message where dedupe_key = $1",
            f"alert:{alert['alert_id']}:{helper_user}",
        )

    [row] = await wait_until(delivered)
    assert (row["state"], row["attempts"]) == ("delivered", 2)
    assert row["receipt_at"] is not None
