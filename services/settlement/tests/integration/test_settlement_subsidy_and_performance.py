"""Neighbour subsidies paid once a year; provider performance; the schema matches the code."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from civic.messaging_tables import messaging_metadata
from contracts.dispatch import NeighbourServiceRecorded
from contracts.enums import FeeUnit, PeriodUnit, RecipientStatus
from contracts.samples import sample
from contracts.values import Frequency
from settlement.domain.rows import helper_code
from settlement.handlers import readmodels
from settlement.handlers.billing import record_neighbour_service
from settlement.orm import metadata
from settlement.settings import Settings

pytestmark = pytest.mark.integration


async def test_settlement_neighbour_aid_is_subsidised_once_a_year(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341723101")
    officer = auth("township_officer", world.township)
    who = await world.approve()
    helper = uuid.uuid4()
    for day, count in ((3, 2), (10, 1), (17, 3), (24, 1)):
        recorded = sample(
            NeighbourServiceRecorded,
            person_id=who.person_id,
            record_id=uuid.uuid4(),
            helper_id=helper,
            recipient_id=who.recipient_id,
            service_date=date(2024, 3, day),
            count=count,
            item_code=None,
            **world.where(),
        )
        await world.run(record_neighbour_service, recorded)
    await world.change(who, RecipientStatus.STOPPED, date(2024, 3, 20))  # the 24th does not count

    url = f"/subsidies/{world.township}/2024/run"
    body = {"rate_fen": 1500, "funding_source": "home_elderly_care"}
    run = await client.post(url, json=body, headers=officer)
    assert run.status_code == 200, run.text
    [annual] = [s for s in run.json()["statements"] if s["provider_id"] == str(helper)]
    assert (annual["period_kind"], annual["period"], annual["provider_code"]) == (
        "annual",
        "2024",
        helper_code(helper),
    )
    assert (annual["total_fen"], annual["line_count"]) == (6 * 1500, 3)
    assert [t["funding_source"] for t in annual["by_funding_source"]] == ["home_elderly_care"]
    again = await client.post(url, json=body, headers=officer)
    assert annual["statement_id"] not in again.json()["changed"]
    changed_rate = await client.post(url, json=body | {"rate_fen": 2000}, headers=officer)
    assert changed_rate.json()["code"] == "subsidy_rate_fixed"
    sid = annual["statement_id"]
    assert (await client.post(f"/statements/{sid}/confirm", headers=officer)).status_code == 200
    # Paid through a batch a checker approves, when the bank's return says so.
    made = await client.post(
        "/payment-batches", json={"township_code": world.township}, headers=officer
    )
    assert made.status_code == 201, made.text
    [line] = [x for x in made.json()["lines"] if x["statement_id"] == sid]
    checker = auth("checker", world.township)
    batch_url = f"/payment-batches/{made.json()['batch_id']}"
    assert (await client.post(f"{batch_url}/approve", headers=checker)).status_code == 200
    assert (await client.get(f"{batch_url}/bank-file", headers=checker)).status_code == 200
    text = f"业务参考号,处理结果,银行流水号\r\n{line['line_ref']},成功,BT-2024-7\r\n"
    files = {"file": ("return.csv", text.encode("utf-8-sig"), "text/csv")}
    returned = await client.post(f"{batch_url}/bank-return", files=files, headers=checker)
    assert returned.json()["counts"]["paid"] == 1, returned.text
    paid = (await client.get(f"/statements/{sid}", headers=officer)).json()
    assert (paid["status"], paid["payment_reference"]) == ("paid", "BT-2024-7")
    assert (await client.post(url, json=body, headers=officer)).json()["code"] == "subsidy_closed"
    page = await client.get(f"/statements/{sid}/print", headers=officer)
    assert "邻里互助服务年度补贴结算单" in page.text and "2024年度" in page.text


async def test_settlement_provider_performance_for_a_month(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341792001")  # 开发区: only this test orders services there
    who = await world.approve()
    when = datetime(2024, 7, 1, 1, 0, tzinfo=UTC)
    twice_a_week = Frequency(times=2, per=PeriodUnit.WEEK)
    order = world.ordering(
        who,
        "CL-01",
        FeeUnit.VISIT,
        start_date=date(2024, 7, 1),
        occurred_at=when,
        frequency=twice_a_week,
    )
    await world.run(readmodels.note_order_created, order)
    await world.accept(order, occurred_at=when + timedelta(hours=6))
    for day in (2, 9, 16):
        await world.deliver(order, date(2024, 7, day))
    report = await client.get(
        f"/performance/{world.county}/2024-07", headers=auth("county_officer", world.county)
    )
    assert report.status_code == 200
    [mine] = [p for p in report.json()["providers"] if p["provider_id"] == str(world.provider_id)]
    assert (mine["orders"], mine["accepted"], mine["mean_hours_to_accept"]) == (1, 1, 6.0)
    assert (mine["ordered_services"], mine["delivered_services"], mine["billed_fen"]) == (
        9,
        3,
        15_000,
    )
    assert mine["delivery_rate_percent"] == 33.3
    assert mine["complaints_substantiated"] == 0


async def test_settlement_migrations_build_exactly_the_tables_of_the_code(
    settings: Settings,
) -> None:
    engine = create_async_engine(settings.database_url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync), [metadata, messaging_metadata]
            )
        )
    await engine.dispose()
    assert diff == []
    await asyncio.sleep(0)
