"""Applicants hear their decision (issue 20): review's decision reaches intake on Kafka, and
its message reaches devstack's real SMS gateway (a real HTTP server), to the phone given with
the application, sent again after the gateway's 500 and closed by its signed receipt, which
reaches intake over TCP. A preference's quiet hours hold the message; a decision that
arrives again sends nothing more. intake runs in-process (the suite's fixture); its routes
are served on a port too, for the gateway's receipts. Every test uses 东至县, where no
other test decides anything, so the gateway sees only this file's messages."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from civic import clock
from civic.messaging_tables import processed_event
from contracts import calendar
from contracts.review import ApplicationRejected, RecipientApproved
from contracts.samples import sample
from devstack.journeys.db import wait_until
from devstack.sms_gateway import Reply, SmsGateway
from intake.orm import message_tables

pytestmark = pytest.mark.integration

COUNTY = "341721"
VILLAGE = "341721100201"
TEMPLATES = {"decision": "SMS_DECISION_1"}
messages = message_tables.message


@pytest.fixture(scope="module")
async def served(intake: Any) -> AsyncIterator[None]:
    """intake's routes on its receipts port (the same app, already started)."""
    config = uvicorn.Config(
        intake.app, host="127.0.0.1", port=intake.receipts_port, lifespan="off", log_level="error"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await wait_until(started, timeout=30)
    yield
    server.should_exit = True
    await task


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    """devstack's SMS gateway, serving on a free port."""
    with SmsGateway() as found:
        yield found


def _phone() -> str:
    return f"139{random.randint(0, 99_999_999):08d}"


async def _configure(intake: Any, gateway: SmsGateway) -> None:
    body = {"kind": "sms", "endpoint_url": gateway.url, "templates": TEMPLATES}
    county = intake.auth(["county_officer"], division=COUNTY, user_id="u-county-msg")
    answer = await intake.client.put(
        f"/notification-channels/{COUNTY}", json={**body, "secret": gateway.secret}, headers=county
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["secret_set"] is True and gateway.secret not in answer.text


async def _applied(intake: Any, phone: str) -> dict[str, Any]:
    body = intake.body(village_code=VILLAGE)
    body["applicant"]["phone"] = phone
    return await intake.submit(body)


def _ids(app: dict[str, Any]) -> dict[str, uuid.UUID]:
    return {
        "application_id": uuid.UUID(app["application_id"]),
        "person_id": uuid.UUID(app["person_id"]),
    }


async def _messages_of(intake: Any, app: dict[str, Any]) -> list[dict[str, Any]]:
    async with intake.db() as session:
        stmt = select(messages).where(messages.c.user_id == app["person_id"])
        return [dict(row) for row in (await session.execute(stmt)).mappings()]


async def _prefer(intake: Any, app: dict[str, Any], phone: str, **quiet: str) -> None:
    staff = intake.auth(["village_staff"], division=VILLAGE, user_id="u-village-msg")
    body = {"division_code": VILLAGE, "kind": "sms", "phone": phone, **quiet}
    path = f"/message-preferences/{app['person_id']}"
    answer = await intake.client.put(path, json=body, headers=staff)
    assert answer.status_code == 200, answer.text
    assert answer.json()["address_set"] is True and phone not in answer.text


async def test_intake_a_decision_reaches_the_applicants_phone_after_a_500_and_its_receipt(
    intake: Any, served: None, gateway: SmsGateway
) -> None:
    await _configure(intake, gateway)
    gateway.script(Reply(500))
    phone = _phone()
    app = await _applied(intake, phone)
    await intake.publish(sample(RecipientApproved, **_ids(app)))

    seen = await asyncio.to_thread(gateway.wait_for, "requests", 2)
    assert [r.status for r in seen] == [500, 200]
    sent = seen[1].body
    assert (sent["phone"], sent["template_code"]) == (phone, "SMS_DECISION_1")
    ref = app["application_id"].replace("-", "")[:8].upper()
    assert sent["params"] == {"decision": "approved", "ref": ref, "name": "张**"}
    assert seen[0].body["reference"] == sent["reference"]  # the same message, tried twice
    assert (
        sent["callback_url"]
        == f"http://127.0.0.1:{intake.receipts_port}/messages/receipts/{COUNTY}"
    )
    [receipt] = await asyncio.to_thread(gateway.wait_for, "receipts", 1)
    assert receipt.status == 204, receipt.error

    [message] = await _messages_of(intake, app)
    assert (message["state"], message["attempts"], message["kind"]) == ("delivered", 2, "sms")
    assert message["receipt_at"] is not None
    county = intake.auth(["county_officer"], division=COUNTY)
    listed = await intake.client.get("/messages", params={"state": "delivered"}, headers=county)
    assert listed.status_code == 200, listed.text
    [shown] = [m for m in listed.json()["items"] if m["user_id"] == app["person_id"]]
    assert shown["params"] == {"decision": "approved", "ref": ref}  # the list names no one
    scraped = (await intake.client.get("/metrics")).text
    assert 'civic_intake_messages{state="delivered"}' in scraped


async def test_intake_quiet_hours_hold_a_decision(
    intake: Any, served: None, gateway: SmsGateway
) -> None:
    await _configure(intake, gateway)
    app = await _applied(intake, _phone())
    here = calendar.CHIZHOU
    now = clock.now().astimezone(here)
    quiet = {
        "quiet_start": f"{(now - timedelta(hours=1)):%H:%M}",
        "quiet_end": f"{(now + timedelta(hours=1)):%H:%M}",
    }
    await _prefer(intake, app, _phone(), **quiet)
    await intake.publish(sample(ApplicationRejected, **_ids(app), reason_zh="不符合条件"))

    async def held() -> list[dict[str, Any]]:
        # The sender looked at it and put it off until the quiet hours end.
        found = await _messages_of(intake, app)
        return [m for m in found if m["due_at"] > clock.now() + timedelta(minutes=30)]

    [message] = await wait_until(held, timeout=60)
    assert (message["state"], message["attempts"]) == ("pending", 0)
    assert message["params"]["decision"] == "rejected"
    assert gateway.requests == []


async def test_intake_a_decision_that_arrives_again_sends_nothing_more(
    intake: Any, served: None, gateway: SmsGateway
) -> None:
    await _configure(intake, gateway)
    app = await _applied(intake, _phone())
    preferred = _phone()
    await _prefer(intake, app, preferred)  # the applicant said otherwise: this phone
    approved = sample(RecipientApproved, **_ids(app))
    again = sample(RecipientApproved, **_ids(app))  # the same decision, another event
    late = sample(ApplicationRejected, **_ids(app))  # keyed by person: consumed after them
    await intake.publish(approved, approved, again, late)

    [receipt] = await asyncio.to_thread(gateway.wait_for, "receipts", 1)
    assert receipt.status == 204, receipt.error

    async def consumed() -> int:
        where = processed_event.c.event_id == late.event_id
        return int(await intake.count(processed_event, where))

    await wait_until(consumed, timeout=60)

    async def all_sent() -> bool:  # a second message, had there been one, went out too
        return all(m["state"] != "pending" for m in await _messages_of(intake, app))

    await wait_until(all_sent, timeout=30)
    assert [r.body["phone"] for r in gateway.requests] == [preferred]
    [message] = await _messages_of(intake, app)
    assert (message["state"], message["attempts"]) == ("delivered", 1)


async def test_intake_the_preferred_phone_and_the_channel_secret_are_sealed_at_rest(
    intake: Any, gateway: SmsGateway
) -> None:
    await _configure(intake, gateway)
    app = await _applied(intake, _phone())
    preferred = _phone()
    await _prefer(intake, app, preferred)
    preference, channel = message_tables.preference, message_tables.channel
    async with intake.db() as session:
        address = await session.scalar(
            select(preference.c.address).where(preference.c.user_id == app["person_id"])
        )
        secret = await session.scalar(
            select(channel.c.secret).where(channel.c.county_code == COUNTY)
        )
    assert address and preferred not in address
    assert secret and gateway.secret not in secret
    staff = intake.auth(["village_staff"], division=VILLAGE)
    shown = await intake.client.get(f"/message-preferences/{app['person_id']}", headers=staff)
    assert shown.status_code == 200 and preferred not in shown.text
    elsewhere = intake.auth(["village_staff"], division="341721100202")
    refused = await intake.client.put(
        f"/message-preferences/{app['person_id']}",
        json={"division_code": "341721100202", "kind": "sms", "phone": _phone()},
        headers=elsewhere,
    )
    assert refused.status_code == 403  # nobody takes over another division's person
