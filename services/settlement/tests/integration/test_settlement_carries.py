"""A negative statement (reversals after its month closed) carries into the next open period.

County 341721 (townships 341721101 and 341721102), year 2034: apart from the year-end tests,
which close county 341702's 2034, so either file may run first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from civic import clock
from contracts.enums import FeeUnit, RecipientCategory, RecipientStatus
from settlement.handlers import recipients
from settlement.handlers.statements import confirm_statement

pytestmark = pytest.mark.integration

#: A Chizhou morning well after 2034 ended, so every month of 2034 can be confirmed.
AFTER_2034 = datetime(2035, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def after_2034() -> Iterator[None]:
    """The process's clock runs on from 1 March 2035 for the test."""
    with clock.using(clock.Clock.starting_at(AFTER_2034)):
        yield


async def tekun(world: Any, effective: date = date(2024, 1, 1)) -> Any:
    """A tekun recipient (the tekun care fund may pay for them)."""
    event = world.approval(effective).model_copy(update={"category": RecipientCategory.TEKUN})
    await world.run(recipients.note_recipient_approved, event)
    return event


async def negative_june(
    world: Any, client: httpx.AsyncClient, officer: dict[str, str]
) -> tuple[Any, Any]:
    """May confirmed with two visits (2 × 2000 fen); a stop from 25 May makes June −2000."""
    who = await tekun(world)
    order = await world.order(who, "LC-04", FeeUnit.VISIT)
    await world.deliver(order, date(2034, 5, 20))
    await world.deliver(order, date(2034, 5, 28))
    await world.settle("2034-05")
    may = await world.statement("2034-05")
    confirmed = await client.post(f"/statements/{may.statement_id}/confirm", headers=officer)
    assert (confirmed.status_code, confirmed.json()["total_fen"]) == (200, 4000), confirmed.text
    await world.change(who, RecipientStatus.STOPPED, date(2034, 5, 25))
    await world.settle("2034-06")
    june = await world.statement("2034-06")
    assert (june.total_fen, june.adjustment_fen, june.line_count) == (-2000, -2000, 1)
    return who, june


async def carried_events(world: Any, statement_id: Any) -> list[dict[str, Any]]:
    rows = await world.sql(
        "SELECT payload FROM outbox_message"
        " WHERE event_type = 'settlement.StatementCarried' AND key = :key",
        key=str(statement_id),
    )
    return [json.loads(row.payload) for row in rows]


async def test_settlement_a_negative_june_carries_into_july_which_nets_it(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721101")
    officer = auth("township_officer", world.township)
    _, june = await negative_june(world, client, officer)
    # July: another recipient's cleaning visit (5000 fen); its draft is built before the carry.
    other = await tekun(world)
    cleaning = await world.order(other, "CL-01", FeeUnit.VISIT)
    await world.deliver(cleaning, date(2034, 7, 3))
    await world.settle("2034-07")
    july = await world.statement("2034-07")
    assert (july.total_fen, july.line_count) == (5000, 1)

    carried = await client.post(f"/statements/{june.statement_id}/confirm", headers=officer)
    assert carried.status_code == 200, carried.text
    assert (carried.json()["status"], carried.json()["status_zh"]) == ("carried", "负数结转下期")
    again = await client.post(f"/statements/{june.statement_id}/confirm", headers=officer)
    assert (again.status_code, again.json()["code"]) == (409, "statement_not_draft")
    [event] = await carried_events(world, june.statement_id)
    assert (event["amount_fen"], event["into_period"], event["period"]) == (
        -2000,
        "2034-07",
        "2034-06",
    )
    carry = await world.sql(
        "SELECT from_period, into_period, funding_source, amount_fen, township_code"
        " FROM statement_carry WHERE from_statement_id = :id",
        id=june.statement_id,
    )
    assert [tuple(row) for row in carry] == [
        ("2034-06", "2034-07", "tekun_care", -2000, "341721101")
    ]

    # The July draft predates the carry: confirming it is refused until it is rebuilt.
    stale = await client.post(f"/statements/{july.statement_id}/confirm", headers=officer)
    assert (stale.status_code, stale.json()["code"]) == (409, "statement_stale")
    await world.settle("2034-07")
    july = await world.statement("2034-07")
    assert (july.total_fen, july.adjustment_fen, july.line_count) == (3000, -2000, 2)
    items = await world.sql(
        "SELECT item_code, unit, is_adjustment, quantity, amount_fen, line_count"
        " FROM statement_item_total WHERE statement_id = :id ORDER BY item_code",
        id=july.statement_id,
    )
    assert [tuple(row) for row in items] == [
        ("CL-01", "visit", False, 1, 5000, 1),
        ("_CARRY_2034-06", "carry", True, 0, -2000, 1),
    ]
    funds = await world.sql(
        "SELECT funding_source, amount_fen, line_count FROM statement_source_total"
        " WHERE statement_id = :id",
        id=july.statement_id,
    )
    assert [tuple(row) for row in funds] == [("tekun_care", 3000, 2)]
    page = await client.get(f"/statements/{july.statement_id}/print", headers=officer)
    assert page.status_code == 200
    assert "上期负数结转（2034年06月）" in page.text and "叁拾元整" in page.text
    # The lines' CSV adds up to the statement: July's visit, then June's carry as its own row.
    got = await client.get(f"/statements/{july.statement_id}/lines.csv", headers=officer)
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert sum(int(row["金额(分)"]) for row in rows) == july.total_fen == 3000
    assert [(r["类型"], r["服务月份"], r["金额(元)"], r["说明"]) for r in rows[1:]] == [
        ("结转", "2034-06", "-20.00", "上期负数结转（2034年06月）")
    ]

    done = await world.run(
        confirm_statement, july.statement_id, user="officer-july", now=clock.now()
    )
    assert (done.status, done.total_fen) == ("confirmed", 3000)
    assert len(await carried_events(world, june.statement_id)) == 1


async def test_settlement_a_provider_with_no_july_lines_gets_a_july_statement_of_the_carry(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721102")
    officer = auth("township_officer", world.township)
    _, june = await negative_june(world, client, officer)
    carried = await client.post(f"/statements/{june.statement_id}/confirm", headers=officer)
    assert carried.json()["status"] == "carried", carried.text
    assert await world.statement("2034-07") is None

    await world.settle("2034-07")
    july = await world.statement("2034-07")
    assert (july.status, july.total_fen, july.adjustment_fen, july.line_count) == (
        "draft",
        -2000,
        -2000,
        1,
    )
    lines = await world.sql(
        "SELECT count(*) AS n FROM ledger_line WHERE provider_id = :p AND period = '2034-07'",
        p=world.provider_id,
    )
    assert lines[0].n == 0


async def test_settlement_a_carry_skips_a_period_already_closed(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721102")
    officer = auth("township_officer", world.township)
    _, june = await negative_june(world, client, officer)
    # July already confirmed (another recipient's visit) before June is carried.
    other = await tekun(world)
    order = await world.order(other, "LC-04", FeeUnit.VISIT)
    await world.deliver(order, date(2034, 7, 9))
    await world.settle("2034-07")
    july = await world.statement("2034-07")
    confirmed = await client.post(f"/statements/{july.statement_id}/confirm", headers=officer)
    assert confirmed.json()["status"] == "confirmed", confirmed.text

    carried = await client.post(f"/statements/{june.statement_id}/confirm", headers=officer)
    assert carried.json()["status"] == "carried", carried.text
    [event] = await carried_events(world, june.statement_id)
    assert event["into_period"] == "2034-08"
    await world.settle("2034-08")
    august = await world.statement("2034-08")
    assert (august.total_fen, august.line_count) == (-2000, 1)


async def test_settlement_a_carry_reads_back_as_the_previous_periods_negative_carry(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721101")
    officer = auth("township_officer", world.township)
    _, june = await negative_june(world, client, officer)
    await client.post(f"/statements/{june.statement_id}/confirm", headers=officer)
    await world.settle("2034-07")
    july = await world.statement("2034-07")
    read = await client.get(f"/statements/{july.statement_id}", headers=officer)
    assert read.status_code == 200, read.text
    [item] = read.json()["by_item"]
    assert (item["item_code"], item["unit"], item["amount_fen"], item["is_adjustment"]) == (
        "_CARRY_2034-06",
        "carry",
        -2000,
        True,
    )
    assert (item.get("label_zh"), item.get("carried_from")) == (
        "上期负数结转（2034年06月）",
        "2034-06",
    )
    assert (read.json()["total_fen"], read.json()["consistent"]) == (-2000, True)
