"""The sender on a real PostgreSQL and devstack's real gateway: quiet hours hold a message
without counting an attempt (a doorbell alert goes at once), a refusal fails at once, a
timeout or a dead endpoint is retried later, and the last attempt fails the message."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic import clock, sealing
from civic.clock import Clock
from civic.db import make_engine, make_metadata, make_sessionmaker
from civic.notify import ChannelKind, Purpose, QuietHours, RetryPolicy, define_message_tables, store
from civic.notify.channels import ChannelConfig
from civic.notify.model import Outgoing, Preference
from civic.notify.sender import Sender, send_due
from civic.sealing.ciphers import Algorithm, new_key
from civic.sealing.keyring import DataKey, KeyRing
from civic.uow import UnitOfWork
from contracts.calendar import CHIZHOU
from devstack import procs
from devstack.infra import Infra
from devstack.journeys.db import wait_until
from devstack.sms_gateway import Reply, SmsGateway

pytestmark = pytest.mark.integration

metadata = make_metadata()
TABLES = define_message_tables(metadata, service="civictest")
LATE = datetime(2026, 12, 6, 23, 30, tzinfo=CHIZHOU)
NIGHT = QuietHours(time(22, 0), time(7, 0))


@pytest.fixture
async def db(infra: Infra) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh database holding the message tables, and a ring to seal with."""
    url = infra.create_database(f"civic_notify_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url, pool_size=2)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    algorithm = Algorithm.AES_256_GCM
    key = DataKey("k1", algorithm, new_key(algorithm), LATE - timedelta(days=1))
    with sealing.holding(KeyRing([key], index_keys={}, now=LATE)):
        yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    with SmsGateway() as found:
        yield found


async def _setup(db: Any, endpoint: str, quiet: QuietHours | None = NIGHT) -> None:
    templates = {p.value: f"T-{p.value}" for p in Purpose}
    config = ChannelConfig("341702", ChannelKind.SMS, endpoint, templates, "a-secret")
    pref = Preference("u-1", "341702100", ChannelKind.SMS, "13800000001", quiet)
    async with db() as session, session.begin():
        await store.put_channel(session, TABLES, config, by="t", now=LATE)
        await store.put_preference(session, TABLES, pref, by="t", now=LATE)


async def _enqueue(db: Any, purpose: Purpose) -> None:
    message = Outgoing(f"k-{uuid.uuid4()}", "u-1", "341702", "341702100", purpose, {"code": "A1"})
    async with db() as session, session.begin():
        await store.enqueue(session, TABLES, [message], now=clock.now())


async def _drain(db: Any, sender: Sender, timeout_s: float = 5.0) -> int:
    sent = 0
    async with httpx.AsyncClient(timeout=timeout_s) as client:
        while await send_due(sender, uow=UnitOfWork(db), client=client):
            sent += 1
    return sent


async def _rows(db: Any) -> list[dict[str, Any]]:
    async with db() as session:
        found = await session.execute(select(TABLES.message).order_by(TABLES.message.c.purpose))
        return [dict(row) for row in found.mappings()]


async def test_quiet_hours_hold_all_but_the_doorbell_until_morning(
    db: Any, gateway: SmsGateway
) -> None:
    sender = Sender(TABLES, RetryPolicy())
    await _setup(db, gateway.url)
    with clock.using(Clock.fixed(LATE)):
        await _enqueue(db, Purpose.DOORBELL_ALERT)
        await _enqueue(db, Purpose.ORDER_ESCALATION)
        await _drain(db, sender)
    assert [r.body["template_code"] for r in gateway.requests] == ["T-doorbell_alert"]
    alert, escalation = await _rows(db)
    assert (alert["state"], escalation["state"]) == ("sent", "pending")
    morning = datetime(2026, 12, 7, 7, 0, tzinfo=CHIZHOU)
    assert (escalation["due_at"], escalation["attempts"]) == (morning, 0)

    with clock.using(Clock.fixed(morning - timedelta(seconds=1))):
        assert await _drain(db, sender) == 0  # not yet due
    with clock.using(Clock.fixed(morning)):
        await _drain(db, sender)
    assert len(gateway.requests) == 2
    assert [r["state"] for r in await _rows(db)] == ["sent", "sent"]


async def test_a_refusal_fails_at_once(db: Any, gateway: SmsGateway) -> None:
    await _setup(db, gateway.url, quiet=None)
    gateway.script(Reply(400))
    with clock.using(Clock.fixed(LATE)):
        await _enqueue(db, Purpose.DECISION)
        await _drain(db, Sender(TABLES, RetryPolicy()))
    [row] = await _rows(db)
    assert (row["state"], row["attempts"], row["failed_at"]) == ("failed", 1, LATE)
    assert len(gateway.requests) == 1


async def test_a_person_without_a_preference_is_reached_through_the_services_fallback(
    db: Any, gateway: SmsGateway
) -> None:
    await _setup(db, gateway.url, quiet=None)
    asked: list[str] = []

    async def fallback(session: AsyncSession, message: Any) -> Preference | None:
        asked.append(message.user_id)
        if message.user_id != "applicant-1":
            return None
        return Preference("applicant-1", "341702100201", ChannelKind.SMS, "13900000002", NIGHT)

    sender = Sender(TABLES, RetryPolicy(), fallback=fallback)
    for user in ("applicant-1", "u-1", "nobody"):
        outgoing = Outgoing(f"k-{user}", user, "341702", "341702100", Purpose.DECISION, {})
        async with db() as session, session.begin():
            await store.enqueue(session, TABLES, [outgoing], now=LATE)
    with clock.using(Clock.fixed(LATE)):
        await _drain(db, sender)
    # The preference wins (u-1); the fallback's quiet hours hold the applicant's; nobody fails.
    assert [r.body["phone"] for r in gateway.requests] == ["13800000001"]
    assert sorted(asked) == ["applicant-1", "nobody"]
    rows = {r["user_id"]: r for r in await _rows(db)}
    assert rows["nobody"]["state"] == "failed" and "preference" in rows["nobody"]["last_error"]
    assert rows["applicant-1"]["due_at"] == datetime(2026, 12, 7, 7, 0, tzinfo=CHIZHOU)
    with clock.using(Clock.fixed(datetime(2026, 12, 7, 7, 0, tzinfo=CHIZHOU))):
        await _drain(db, sender)
    assert [r.body["phone"] for r in gateway.requests] == ["13800000001", "13900000002"]


async def test_a_timeout_is_retried_after_its_backoff_then_sent(
    db: Any, gateway: SmsGateway
) -> None:
    await _setup(db, gateway.url, quiet=None)
    gateway.script(Reply(200, delay_s=1.5))
    sender = Sender(TABLES, RetryPolicy(max_attempts=3, base_s=60))
    with clock.using(Clock.fixed(LATE)):
        await _enqueue(db, Purpose.DECISION)
        await _drain(db, sender, timeout_s=0.3)
    [row] = await _rows(db)
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert row["due_at"] == LATE + timedelta(seconds=60)
    assert row["last_error"].startswith("timeout")
    with clock.using(Clock.fixed(LATE + timedelta(seconds=60))):
        await _drain(db, sender)
    [row] = await _rows(db)
    assert (row["state"], row["attempts"]) == ("sent", 2)


async def test_a_dead_endpoint_is_retried_until_the_last_attempt_fails_it(db: Any) -> None:
    await _setup(db, f"http://127.0.0.1:{procs.free_port()}/send", quiet=None)
    sender = Sender(TABLES, RetryPolicy(max_attempts=2, base_s=10))
    with clock.using(Clock.fixed(LATE)):
        await _enqueue(db, Purpose.DECISION)
        await _drain(db, sender)
    [row] = await _rows(db)
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert row["last_error"].startswith("connection")
    with clock.using(Clock.fixed(LATE + timedelta(seconds=10))):
        await _drain(db, sender)
    [row] = await _rows(db)
    assert (row["state"], row["attempts"]) == ("failed", 2)
    assert row["failed_at"] == LATE + timedelta(seconds=10)


async def test_the_address_and_the_secret_are_sealed_at_rest(db: Any) -> None:
    await _setup(db, "http://127.0.0.1:9/send")
    async with db() as session:
        address = (await session.execute(select(TABLES.preference.c.address))).scalar_one()
        secret = (await session.execute(select(TABLES.channel.c.secret))).scalar_one()
        assert "13800000001" not in address and "a-secret" not in secret
        opened = await store.preference(session, TABLES, "u-1")
    assert opened is not None and opened.address == "13800000001"


async def test_a_receipt_that_arrives_before_the_send_commits_waits_for_it(db: Any) -> None:
    """The gateway may post its receipt before the sender's transaction marks the message
    sent: the receipt waits for that row, then closes it (it never misses it)."""
    await _setup(db, "http://127.0.0.1:9/send", quiet=None)
    with clock.using(Clock.fixed(LATE)):
        await _enqueue(db, Purpose.DECISION)
    async with db() as sending:
        await sending.begin()
        [message] = await store.claim_due(sending, TABLES, LATE, 1)
        await store.change(sending, TABLES, message.message_id, {"state": "sent"})

        async def receipt() -> bool:
            async with db() as session, session.begin():
                return await store.record_receipt(
                    session,
                    TABLES,
                    county_code="341702",
                    message_id=message.message_id,
                    delivered=True,
                    at=LATE,
                )

        task = asyncio.create_task(receipt())

        async def blocked() -> bool:
            waiting = text(
                "select count(*) from pg_stat_activity"
                " where datname = current_database() and wait_event_type = 'Lock'"
            )
            async with db() as probe:
                return bool((await probe.execute(waiting)).scalar_one())

        await wait_until(blocked, timeout=30)
        await sending.commit()
    assert await task is True
    [row] = await _rows(db)
    assert (row["state"], row["receipt_at"]) == ("delivered", LATE)
