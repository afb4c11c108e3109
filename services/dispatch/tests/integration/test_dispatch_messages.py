"""Messages reach the gateway: dispatch as a real process (its own database, a Kafka address
nobody answers, so it never joins the suite's consumer group) and devstack's real SMS
gateway. A doorbell press is sent to everyone with a preference, retried after a 500, and
closed by the gateway's signed receipt; a message nobody can take is failed where staff see
it; a gateway that keeps failing fails the message after its last attempt."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from civic.db import make_engine
from contracts import divisions
from devstack.infra import Infra
from devstack.journeys.db import wait_until
from devstack.pytest_plugin import migrate
from devstack.sms_gateway import Reply, SmsGateway
from dispatch.adapters.sealing import HELPER_PHONE, seal_text
from dispatch.orm import doorbell, neighbour_helper, recipient
from dispatch.orm_messages import message_preference, notification_channel, notification_message

from .steps import own_keys

pytestmark = pytest.mark.integration

COUNTY = "341702"
VILLAGE = "341702108202"
BELL_SECRET = "doorbell-secret-for-the-message-tests"
TEMPLATES = {
    "doorbell_alert": "SMS_ALERT_1",
    "alert_escalation": "SMS_ESC_1",
    "order_escalation": "SMS_ORD_1",
    "unacknowledged_change": "SMS_CHG_1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """dispatch as a process: its HTTP API, its database, tokens."""

    client: httpx.AsyncClient
    engine: AsyncEngine
    mint: Callable[..., str]

    def as_(self, role: str, division: str, user_id: str) -> dict[str, str]:
        token = self.mint(roles=[role], division=division, user_id=user_id)
        return {"Authorization": f"Bearer {token}"}

    async def messages(self, **where: Any) -> list[dict[str, Any]]:
        m = notification_message.c
        stmt = select(notification_message).where(*(getattr(m, k) == v for k, v in where.items()))
        async with self.engine.connect() as connection:
            return [dict(row) for row in (await connection.execute(stmt)).mappings()]


async def _seed(engine: AsyncEngine) -> None:
    """A recipient with a doorbell that alerts neighbour nb-m1 and coordinator u-coord-m."""
    person, recipient_id, helper_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with engine.begin() as connection:
        await connection.execute(
            recipient.insert().values(
                recipient_id=recipient_id,
                person_id=person,
                household_id=uuid.uuid4(),
                version=1,
                display_name="王*",
                category="tekun",
                county_code=COUNTY,
                township_code=VILLAGE[:9],
                village_code=VILLAGE,
                effective_date=datetime.now(UTC).date(),
            )
        )
        await connection.execute(
            neighbour_helper.insert().values(
                helper_id=helper_id,
                village_code=VILLAGE,
                user_id="nb-m1",
                name_zh="邻居",
                phone=seal_text("13700000011", purpose=HELPER_PHONE, row=helper_id),
                channel="sms",
                trained_on=datetime.now(UTC).date(),
            )
        )
        await connection.execute(
            doorbell.insert().values(
                device_id="bell-m",
                recipient_id=recipient_id,
                person_id=person,
                village_code=VILLAGE,
                helper_ids=[helper_id],
                coordinator_user_id="u-coord-m",
                coordinator_channel="app_push",
                registered_by="u-coord-m",
            )
        )


def _environment(values: dict[str, Any]) -> dict[str, str]:
    return {**os.environ, **{k.upper(): str(v) for k, v in values.items() if v is not None}}


@contextlib.asynccontextmanager
async def _process(env: dict[str, str], port: int, log: Path) -> AsyncIterator[None]:
    cmd = [sys.executable, "-m", "uvicorn", "dispatch.main:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(*cmd, env=env, stdout=out, stderr=out)
        try:
            yield
        finally:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), timeout=20)
            except TimeoutError:
                proc.kill()
                await proc.wait()


@pytest.fixture(scope="module")
async def served(
    infra: Infra,
    repo_root: Path,
    service_env: Callable[..., dict[str, Any]],
    mint_token: Callable[..., str],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Served]:
    """dispatch on a database of its own, its sender quick (3 attempts, 0.2 s backoff)."""
    folder = tmp_path_factory.mktemp("dispatch-messages")
    url = infra.create_database(f"dispatch_msg_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrate, repo_root, "dispatch", url)
    engine = make_engine(url, pool_size=2)
    port = free_port()
    values = service_env(
        "dispatch",
        database_url=url,
        sealing_master_keys_dir=folder / "master-keys",
        kafka_bootstrap_servers=f"127.0.0.1:{free_port()}",  # nobody answers there
        doorbell_gateway_secret=BELL_SECRET,
        message_poll_s=0.1,
        message_backoff_s=0.2,
        message_max_attempts=3,
        message_callback_base_url=f"http://127.0.0.1:{port}",
    )
    async with own_keys(service_env, engine, url, folder / "master-keys"):
        await _seed(engine)
    async with (
        _process(_environment(values), port, folder / "dispatch.log"),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client,
    ):

        async def ready() -> bool:
            with contextlib.suppress(httpx.TransportError):
                return (await client.get("/readyz")).status_code == 200
            return False

        await wait_until(ready, timeout=90)
        yield Served(client, engine, mint_token)
    await engine.dispose()


@pytest.fixture
def gateway() -> Any:
    """devstack's SMS gateway, serving on a free port."""
    with SmsGateway() as found:
        yield found


async def _configure(served: Served, gateway: SmsGateway) -> None:
    body = {
        "kind": "sms",
        "endpoint_url": gateway.url,
        "templates": TEMPLATES,
        "secret": gateway.secret,
    }
    county = served.as_("county_officer", COUNTY, "u-county-m")
    answer = await served.client.put(f"/notification-channels/{COUNTY}", json=body, headers=county)
    assert answer.status_code == 200, answer.text
    assert "secret" not in answer.json() and answer.json()["secret_set"] is True
    pref = {"division_code": VILLAGE, "kind": "sms", "phone": "13700000011"}
    coordinator = served.as_("coordinator", VILLAGE, "u-coord-m")
    answer = await served.client.put("/message-preferences/nb-m1", json=pref, headers=coordinator)
    assert answer.status_code == 200, answer.text
    assert answer.json()["address_set"] is True and "13700000011" not in answer.text


async def _press(served: Served, press_id: str) -> str:
    body = {
        "press_id": press_id,
        "device_id": "bell-m",
        "pressed_at": datetime.now(UTC).isoformat(),
    }
    raw = json.dumps(body).encode()
    digest = hmac.new(BELL_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"X-Doorbell-Signature": f"sha256={digest}", "Content-Type": "application/json"}
    answer = await served.client.post("/doorbell/presses", content=raw, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["alert_id"])


async def test_dispatch_a_press_is_retried_after_a_500_delivered_and_its_receipt_kept(
    served: Served, gateway: SmsGateway
) -> None:
    await _configure(served, gateway)
    gateway.script(Reply(500))
    alert_id = await _press(served, f"p-{uuid.uuid4().hex[:8]}")

    # The neighbour's message: a 500, then sent again and accepted.
    seen = await asyncio.to_thread(gateway.wait_for, "requests", 2)
    assert [r.status for r in seen] == [500, 200]
    sent = seen[1].body
    assert (sent["phone"], sent["template_code"]) == ("13700000011", "SMS_ALERT_1")
    village = getattr(divisions.get(VILLAGE), "name_zh", VILLAGE)
    assert sent["params"] == {"village": village, "name": "王*", "code": alert_id[:6].upper()}
    assert seen[0].body["reference"] == sent["reference"]  # the same message, tried twice
    receipts = await asyncio.to_thread(gateway.wait_for, "receipts", 1)
    assert receipts[0].status == 204

    mine = await served.messages(user_id="nb-m1")
    assert [(m["state"], m["attempts"]) for m in mine] == [("delivered", 2)]
    assert mine[0]["receipt_at"] is not None and mine[0]["kind"] == "sms"

    # The coordinator left no phone: failed at once, and on the staff list, not dropped.
    township = served.as_("township_officer", VILLAGE[:9], "u-town-m")
    listed = await served.client.get("/messages", params={"state": "failed"}, headers=township)
    assert listed.status_code == 200, listed.text
    failed = [m for m in listed.json()["items"] if m["user_id"] == "u-coord-m"]
    assert len(failed) == 1 and "preference" in failed[0]["last_error"]
    assert "name" not in failed[0]["params"]  # the list names no one
    assert len(gateway.requests) == 2  # nothing more was sent
    scraped = (await served.client.get("/metrics")).text
    assert 'civic_dispatch_messages{state="failed"} 1.0' in scraped
    assert 'civic_dispatch_messages{state="delivered"} 1.0' in scraped


async def test_dispatch_a_message_fails_after_its_last_attempt(
    served: Served, gateway: SmsGateway
) -> None:
    await _configure(served, gateway)
    gateway.script(Reply(503), Reply(500), Reply(502))
    await _press(served, f"p-{uuid.uuid4().hex[:8]}")

    async def given_up() -> list[dict[str, Any]]:
        found = await served.messages(user_id="nb-m1", state="failed")
        return [m for m in found if m["attempts"] == 3]

    [failed] = await wait_until(given_up, timeout=60)
    assert "HTTP 502" in failed["last_error"]
    assert [r.status for r in gateway.requests] == [503, 500, 502]
    assert gateway.receipts == []


async def test_dispatch_a_receipt_without_the_channels_signature_changes_nothing(
    served: Served, gateway: SmsGateway
) -> None:
    await _configure(served, gateway)
    alert_id = await _press(served, f"p-{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(gateway.wait_for, "receipts", 1)
    [message] = await served.messages(dedupe_key=f"alert:{alert_id}:nb-m1")
    assert message["state"] == "delivered"
    forged = {
        "reference": str(message["message_id"]),
        "status": "undeliverable",
        "at": "2026-12-06T00:00:00+00:00",
    }
    answer = await served.client.post(
        f"/messages/receipts/{COUNTY}", json=forged, headers={"X-Signature": "sha256=00"}
    )
    assert answer.status_code == 401 and answer.json()["code"] == "bad_receipt_signature"
    [again] = await served.messages(message_id=message["message_id"])
    assert again["state"] == "delivered"


async def test_dispatch_channel_and_preference_refusals(served: Served) -> None:
    county = served.as_("county_officer", COUNTY, "u-county-m")
    body = {"kind": "sms", "endpoint_url": "http://x", "templates": TEMPLATES, "secret": "s" * 20}
    answer = await served.client.put("/notification-channels/341721", json=body, headers=county)
    assert answer.status_code == 403  # another county's
    township = served.as_("township_officer", VILLAGE[:9], "u-town-m")
    answer = await served.client.put(
        f"/notification-channels/{COUNTY}", json=body, headers=township
    )
    assert answer.status_code == 403  # county officers only
    no_phone = {"division_code": VILLAGE, "kind": "sms", "openid": "oABCDEFG"}
    answer = await served.client.put("/message-preferences/x1", json=no_phone, headers=township)
    assert answer.status_code == 422 and "address_required" in answer.text
    answer = await served.client.get("/message-preferences/x1", headers=township)
    assert answer.status_code == 404  # nothing was kept


async def test_dispatch_the_phone_and_the_secret_are_sealed_at_rest(
    served: Served, gateway: SmsGateway
) -> None:
    await _configure(served, gateway)
    async with served.engine.connect() as connection:
        address = await connection.scalar(
            select(message_preference.c.address).where(message_preference.c.user_id == "nb-m1")
        )
        secret = await connection.scalar(select(notification_channel.c.secret))
    assert address and "13700000011" not in address
    assert secret and gateway.secret not in secret
