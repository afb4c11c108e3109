"""The ledger against real PostgreSQL: billing by day, stop dates, repeats, append-only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from contracts.enums import FeeUnit, RecipientStatus, ServiceMode
from contracts.kinds import LedgerLineKind
from settlement.domain.records import RecordSelection
from settlement.handlers import readmodels, recipients
from settlement.handlers.billing import recheck, record_service
from settlement.repository import ledger

pytestmark = pytest.mark.integration


async def test_settlement_a_service_is_billed_at_the_demo_fee_of_its_day(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    order = await world.order(who, "LC-01", FeeUnit.HOUR)
    delivered = await world.deliver(order, date(2024, 5, 6), quantity=2)
    [line] = await world.lines()
    assert (line.kind, line.quantity, line.unit_fee_fen, line.amount_fen) == (
        "charge",
        2,
        3000,
        6000,
    )
    assert (line.period, line.service_month, line.catalogue_version) == ("2024-05", "2024-05", 1)
    assert line.funding_source == "tekun_care"
    assert (await world.record(delivered.record_id)).billing_status == "billed"


async def test_settlement_after_the_stop_date_nothing_is_billed_and_the_reason_is_listed(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario()
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    before = await world.deliver(order, date(2024, 5, 9))
    early_report = await world.deliver(
        order, date(2024, 5, 12)
    )  # billed: the stop is not known yet
    await world.change(who, RecipientStatus.STOPPED, date(2024, 5, 10))
    after = await world.deliver(order, date(2024, 5, 20))

    lines = await world.lines()
    assert [(x.kind, x.amount_fen) for x in lines] == [
        ("charge", 5000),
        ("charge", 5000),
        ("reversal", -5000),
    ]
    assert lines[2].reverses_line_id == lines[1].line_id
    assert lines[2].reason_zh == "服务对象已停止救助"
    assert (await world.record(before.record_id)).billing_status == "billed"
    for record in (early_report, after):
        row = await world.record(record.record_id)
        assert (row.billing_status, row.reason_code) == ("not_billable", "recipient_stopped")

    answer = await client.get(
        "/records",
        params={
            "township_code": world.township,
            "month": "2024-05",
            "billing_status": "not_billable",
            "size": 100,
        },
        headers=auth("township_officer", world.township),
    )
    assert answer.status_code == 200
    listed = {r["record_id"]: r for r in answer.json()["items"]}
    assert listed[str(after.record_id)]["reason_zh"] == "服务对象已停止救助"
    assert listed[str(early_report.record_id)]["billing_status_zh"] == "不予结算"


async def test_settlement_a_suspension_prorates_per_day_and_per_month_items(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    care = await world.order(who, "IC-01", FeeUnit.DAY)
    health = await world.order(who, "HC-02", FeeUnit.MONTH)
    await world.deliver(care, date(2024, 5, 1), quantity=31)  # a month of institutional care
    await world.deliver(health, date(2024, 5, 1))
    await world.change(who, RecipientStatus.SUSPENDED, date(2024, 5, 11))
    net: dict[str, int] = {}
    for line in await world.lines():
        net[line.item_code] = net.get(line.item_code, 0) + line.amount_fen
    assert net == {"IC-01": 10 * 8000, "HC-02": 3000 * 10 // 31}


async def test_settlement_institutional_care_counts_from_the_admission_day(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    order = await world.order(
        who, "IC-01", FeeUnit.DAY, mode=ServiceMode.INSTITUTIONAL_CARE, start_date=date(2024, 5, 1)
    )
    await world.deliver(order, date(2024, 5, 1), quantity=31)
    await world.accept(order, admission_date=date(2024, 5, 10))
    assert sum(x.amount_fen for x in await world.lines()) == 22 * 8000  # 10 to 31 May


async def test_settlement_a_service_waits_for_its_recipient_and_order_then_is_billed(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = world.approval(date(2024, 1, 1))
    order = world.ordering(who, "CB-01", FeeUnit.HOUR)
    delivered = await world.deliver(order, date(2024, 5, 7))
    row = await world.record(delivered.record_id)
    assert (row.billing_status, row.reason_code) == ("pending", "awaiting_recipient")
    await world.run(readmodels.note_order_created, order)
    assert (await world.record(delivered.record_id)).reason_code == "awaiting_recipient"
    await world.run(recipients.note_recipient_approved, who)
    assert (await world.record(delivered.record_id)).billing_status == "billed"
    assert [x.amount_fen for x in await world.lines()] == [8000]


async def test_settlement_nothing_is_billed_twice_even_without_the_inbox(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    order = await world.order(who, "LC-03", FeeUnit.MEAL)
    delivered = await world.deliver(order, date(2024, 5, 8), quantity=3)
    again = delivered.model_copy(update={"event_id": delivered.record_id})  # re-published record
    await world.run(record_service, again)
    # A use case re-run with the same cause (as if the inbox had lost its row) posts nothing.
    for _ in range(2):
        await world.run(
            recheck, RecordSelection(record_id=delivered.record_id), cause=delivered.event_id
        )
    stop = await world.change(who, RecipientStatus.STOPPED, date(2024, 5, 1))
    await world.run(recheck, RecordSelection(record_id=delivered.record_id), cause=stop.event_id)
    assert [(x.kind, x.amount_fen) for x in await world.lines()] == [
        ("charge", 3600),
        ("reversal", -3600),
    ]


async def test_settlement_charity_and_free_items_are_kept_but_not_billed(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    charity = await world.order(who, "LC-06", FeeUnit.VISIT, mode=ServiceMode.CHARITY_REFERRAL)
    visit = await world.order(who, "LC-05", FeeUnit.VISIT, mode=ServiceMode.PARTY_BUILDING)
    a = await world.deliver(charity, date(2024, 5, 3))
    b = await world.deliver(visit, date(2024, 5, 3))
    assert (await world.record(a.record_id)).reason_code == "unpaid_mode"
    assert (await world.record(b.record_id)).reason_code == "no_fee"
    assert await world.lines() == []


async def test_settlement_the_ledger_refuses_edits_and_deletions(
    scenario: Callable[..., Any],
) -> None:
    world = scenario()
    who = await world.approve()
    await world.deliver(await world.order(who), date(2024, 5, 6))
    [line] = await world.lines()
    for sql in (
        "UPDATE ledger_line SET amount_fen = 1 WHERE line_id = :id",
        "DELETE FROM ledger_line WHERE line_id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with world.db() as s:
                await s.execute(text(sql), {"id": line.line_id})
    assert [x.amount_fen for x in await world.lines()] == [3000]


async def test_settlement_a_charge_must_be_priced_exactly(scenario: Callable[..., Any]) -> None:
    world = scenario()
    who = await world.approve()
    await world.deliver(await world.order(who), date(2024, 5, 6))
    [line] = await world.lines()
    copy = {k: v for k, v in line._mapping.items() if k != "posted_at"}
    copy.update(line_id=world.provider_id, source_id=world.provider_id, amount_fen=2999)
    with pytest.raises(DBAPIError, match="amount_is_priced"):
        async with world.db() as s:
            await s.execute(ledger.ledger_line.insert().values(**copy))
    assert LedgerLineKind(line.kind) is LedgerLineKind.CHARGE


async def test_settlement_events_applied_at_once_never_leave_a_service_waiting_or_billed_after_a_stop(
    scenario: Callable[..., Any],
) -> None:
    world = scenario("341702107")
    for _ in range(6):
        who = world.approval(date(2024, 1, 1))
        order = world.ordering(who, "LC-04", FeeUnit.VISIT)
        delivered = world.delivery(order, date(2024, 5, 15))
        await asyncio.gather(
            world.run(record_service, delivered),
            world.run(readmodels.note_order_created, order),
            world.run(recipients.note_recipient_approved, who),
        )
        assert (await world.record(delivered.record_id)).billing_status == "billed"
        late = world.delivery(order, date(2024, 5, 20))
        stop = world.change(who, RecipientStatus.STOPPED, date(2024, 5, 18))
        await asyncio.gather(world.run(record_service, late), stop)
        row = await world.record(late.record_id)
        assert (row.billing_status, row.reason_code) == ("not_billable", "recipient_stopped")
        net = sum(x.amount_fen for x in await world.lines() if x.record_id == late.record_id)
        assert net == 0
