"""Issue 21, budgets that bind: over budget refused with the figures, or held for the county's
approval; warnings at the county's thresholds, once; the county's policy validated.

东至县 (341721) and year 2032 only: budgets, policies and warnings of other tests never meet
these. Each test sets the county's policy it needs (tests in a file run one after another).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from civic import clock
from civic.clock import Clock
from contracts.enums import FeeUnit, FundingSource

pytestmark = pytest.mark.integration

COUNTY = "341721"
Auth = Callable[..., dict[str, str]]


@pytest.fixture(autouse=True)
def in_2033() -> Iterator[None]:
    """Every month of 2032 has closed (Asia/Shanghai), so its statements may be confirmed."""
    with clock.using(Clock.starting_at(datetime(2033, 1, 10, 2, tzinfo=UTC))):
        yield


async def month_of_lc04(world: Any, order: Any, month: int, visits: int) -> str:
    """``visits`` × LC-04 (2000 fen a visit) in a 2032 month; the month's statement id."""
    for day in range(visits):
        await world.deliver(order, date(2032, month, 3 + day))
    period = f"2032-{month:02d}"
    await world.settle(period)
    return str((await world.statement(period)).statement_id)


async def set_policy(client: httpx.AsyncClient, auth: Auth, **body: Any) -> None:
    put = await client.put(
        f"/funds/{COUNTY}/budget-policy", json=body, headers=auth("county_officer", COUNTY)
    )
    assert put.status_code == 200, put.text


async def set_budget(
    client: httpx.AsyncClient, auth: Auth, township: str, fund: FundingSource, fen: int
) -> None:
    put = await client.put(
        f"/funds/{township}/2032/budgets/{fund.value}",
        json={"amount_fen": fen},
        headers=auth("county_officer", COUNTY),
    )
    assert put.status_code == 204, put.text


async def emitted(world: Any, event_type: str, key: str) -> list[dict[str, Any]]:
    rows = await world.sql(
        "select payload from outbox_message where event_type = :t and key = :k order by created_at",
        t=f"settlement.{event_type}",
        k=key,
    )
    return [json.loads(payload) for (payload,) in rows]


def fund_row(report: dict[str, Any], fund: FundingSource) -> dict[str, Any]:
    return next(f for f in report["funds"] if f["funding_source"] == fund.value)


async def test_settlement_a_statement_over_budget_is_refused_with_the_figures(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario("341721109")
    officer = auth("township_officer", world.township)
    await set_policy(client, auth, mode="refuse", thresholds_percent=[80, 95])
    await set_budget(client, auth, world.township, FundingSource.TEKUN_CARE, 5000)
    order = await world.order(await world.approve(), "LC-04", FeeUnit.VISIT)
    january = await month_of_lc04(world, order, 1, 2)  # 4000 fen
    first = await client.post(f"/statements/{january}/confirm", headers=officer)
    assert (first.status_code, first.json()["status"]) == (200, "confirmed"), first.text

    february = await month_of_lc04(world, order, 2, 1)  # 2000 fen more: 6000 > 5000
    refused = await client.post(f"/statements/{february}/confirm", headers=officer)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "budget_exceeded"
    assert problem["extra"] == {
        "division_code": "341721109",
        "funding_source": "tekun_care",
        "funding_source_zh": "特困人员照料护理经费",
        "year": 2032,
        "budget_fen": 5000,
        "committed_fen": 4000,
        "statement_fen": 2000,
        "would_be_fen": 6000,
        "over_by_fen": 1000,
    }
    assert "超出预算1000分" in problem["title"]
    assert (await world.statement("2032-02")).status == "draft"
    assert await emitted(world, "StatementConfirmed", february) == []

    report = await client.get(f"/funds/{world.township}/2032", headers=officer)
    tekun = fund_row(report.json(), FundingSource.TEKUN_CARE)
    assert (tekun["budget_fen"], tekun["committed_fen"], tekun["drafted_fen"]) == (5000, 4000, 2000)
    assert (tekun["held_fen"], tekun["remaining_fen"], tekun["used_percent"]) == (0, 1000, 80)
    assert tekun["thresholds_reached"] == [80]
    unbound = fund_row(report.json(), FundingSource.CHARITY)
    assert (unbound["budget_fen"], unbound["used_percent"]) == (None, None)


async def test_settlement_a_county_that_holds_approves_or_returns_a_statement_over_budget(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario("341721110")
    asker = auth("township_officer", world.township, user_id="zhen-110-officer")
    county = auth("county_officer", COUNTY, user_id="county-341721-budget")
    await set_policy(client, auth, mode="hold", thresholds_percent=[80, 95])
    await set_budget(client, auth, world.township, FundingSource.TEKUN_CARE, 5000)
    order = await world.order(await world.approve(), "LC-04", FeeUnit.VISIT)
    january = await month_of_lc04(world, order, 1, 2)
    assert (await client.post(f"/statements/{january}/confirm", headers=asker)).status_code == 200
    february = await month_of_lc04(world, order, 2, 1)
    decide = f"/statements/{february}/budget-decision"

    held = await client.post(f"/statements/{february}/confirm", headers=asker)
    assert (held.status_code, held.json()["status"]) == (200, "held"), held.text
    assert held.json()["confirmed_by"] is None
    [event] = await emitted(world, "StatementHeld", february)
    assert (event["division_code"], event["funding_source"]) == ("341721110", "tekun_care")
    assert (event["budget_fen"], event["committed_fen"], event["statement_fen"]) == (
        5000,
        4000,
        2000,
    )
    queue = await client.get(f"/statements?status=held&county_code={COUNTY}", headers=county)
    assert queue.status_code == 200, queue.text
    assert february in {s["statement_id"] for s in queue.json()["items"]}
    assert january not in {s["statement_id"] for s in queue.json()["items"]}
    # The county decides with the figures in front of it, in the queue and on the statement.
    [waiting] = [s for s in queue.json()["items"] if s["statement_id"] == february]
    shown = await client.get(f"/statements/{february}", headers=county)
    for figures in (waiting["held"], shown.json()["held"]):
        assert (figures["division_code"], figures["funding_source"]) == ("341721110", "tekun_care")
        assert (figures["budget_fen"], figures["committed_fen"], figures["statement_fen"]) == (
            5000,
            4000,
            2000,
        )
        assert (figures["over_by_fen"], figures["requested_by"]) == (1000, "zhen-110-officer")
    report = (await client.get(f"/funds/{world.township}/2032", headers=asker)).json()
    assert fund_row(report, FundingSource.TEKUN_CARE)["held_fen"] == 2000

    # Only the county decides, and a refusal says why; refused, the statement is a draft again.
    assert (await client.post(decide, json={"approve": True}, headers=asker)).status_code == 403
    no_note = await client.post(decide, json={"approve": False}, headers=county)
    assert (no_note.status_code, no_note.json()["code"]) == (422, "note_required")
    back = await client.post(decide, json={"approve": False, "note_zh": "请核减"}, headers=county)
    assert (back.status_code, back.json()["status"]) == (200, "draft"), back.text
    assert (await client.get(f"/statements/{february}", headers=county)).json()["held"] is None
    again = await client.post(decide, json={"approve": False, "note_zh": "再退"}, headers=county)
    assert (again.status_code, again.json()["code"]) == (409, "statement_not_held")

    # Asked again and approved: confirmed in the name of the township officer who asked.
    assert (await client.post(f"/statements/{february}/confirm", headers=asker)).json()[
        "status"
    ] == "held"
    approved = await client.post(decide, json={"approve": True}, headers=county)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["confirmed_by"]) == (
        "confirmed",
        "zhen-110-officer",
    )
    [confirmed] = await emitted(world, "StatementConfirmed", february)
    assert confirmed["confirmed_by"] == "zhen-110-officer"
    decisions = await world.sql(
        "select approved, note_zh, requested_by, decided_by from budget_approval"
        " where statement_id = :s order by requested_at",
        s=february,
    )
    assert [tuple(d) for d in decisions] == [
        (False, "请核减", "zhen-110-officer", "county-341721-budget"),
        (True, None, "zhen-110-officer", "county-341721-budget"),
    ]
    report = (await client.get(f"/funds/{world.township}/2032", headers=asker)).json()
    tekun = fund_row(report, FundingSource.TEKUN_CARE)
    assert (tekun["committed_fen"], tekun["held_fen"], tekun["used_percent"]) == (6000, 0, 120)
    assert tekun["remaining_fen"] == -1000


async def test_settlement_a_threshold_is_warned_of_once_when_use_crosses_it(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario("341721109")
    officer = auth("township_officer", world.township)
    fund = FundingSource.HOME_ELDERLY_CARE
    await set_policy(client, auth, mode="refuse", thresholds_percent=[50, 80])
    await set_budget(client, auth, world.township, fund, 10_000)
    order = await world.order(await world.approve(), "LC-04", FeeUnit.VISIT, funding_source=fund)

    async def warnings() -> list[tuple[int, int]]:
        found = await emitted(world, "FundBudgetThresholdReached", world.township)
        mine = [w for w in found if w["funding_source"] == fund.value and w["year"] == 2032]
        return [(w["threshold_percent"], w["committed_fen"]) for w in mine]

    january = await month_of_lc04(world, order, 1, 2)  # 4000: 40%
    assert (await client.post(f"/statements/{january}/confirm", headers=officer)).status_code == 200
    assert await warnings() == []
    february = await month_of_lc04(world, order, 2, 1)  # 6000: 60%, past 50%
    assert (
        await client.post(f"/statements/{february}/confirm", headers=officer)
    ).status_code == 200
    assert await warnings() == [(50, 6000)]
    retry = await client.post(f"/statements/{february}/confirm", headers=officer)
    assert (retry.status_code, retry.json()["code"]) == (409, "statement_not_draft")
    march = await month_of_lc04(world, order, 3, 1)  # 8000: exactly 80%
    assert (await client.post(f"/statements/{march}/confirm", headers=officer)).status_code == 200
    assert await warnings() == [(50, 6000), (80, 8000)]
    april = await month_of_lc04(world, order, 4, 1)  # 10000: the whole budget, nothing new
    assert (await client.post(f"/statements/{april}/confirm", headers=officer)).status_code == 200
    assert await warnings() == [(50, 6000), (80, 8000)]

    report = (await client.get(f"/funds/{world.township}/2032", headers=officer)).json()
    row = fund_row(report, fund)
    assert (row["committed_fen"], row["remaining_fen"], row["used_percent"]) == (10_000, 0, 100)
    assert row["thresholds_reached"] == [50, 80]
    stored = await world.sql(
        "select threshold_percent, committed_fen from budget_warning where division_code = :d"
        " and year = 2032 and funding_source = :f order by threshold_percent",
        d=world.township,
        f=fund.value,
    )
    assert [tuple(r) for r in stored] == [(50, 6000), (80, 8000)]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"mode": "hold", "thresholds_percent": [95, 80]}, "thresholds_not_ascending"),
        ({"mode": "hold", "thresholds_percent": [80, 80]}, "thresholds_not_ascending"),
        ({"mode": "hold", "thresholds_percent": [0, 50]}, "threshold_out_of_range"),
        ({"mode": "hold", "thresholds_percent": [50, 101]}, "threshold_out_of_range"),
        ({"mode": "hold", "thresholds_percent": [10, 20, 30, 40, 50, 60]}, "too_many_thresholds"),
    ],
)
async def test_settlement_a_budget_policy_with_bad_thresholds_is_refused(
    client: httpx.AsyncClient, auth: Auth, body: dict[str, Any], code: str
) -> None:
    county = auth("county_officer", "341722")
    put = await client.put("/funds/341722/budget-policy", json=body, headers=county)
    assert put.status_code == 422, put.text
    problem = put.json()
    assert problem["code"] == code
    assert [e["field"] for e in problem["errors"]] == ["body.thresholds_percent"]
    # Nothing was stored: the county keeps the default.
    got = await client.get("/funds/341722/budget-policy", headers=county)
    assert got.json() == {
        "county_code": "341722",
        "mode": "refuse",
        "mode_zh": "超预算不予确认",
        "thresholds_percent": [80, 95],
    }


async def test_settlement_a_budget_policy_is_the_countys_own(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    url = "/funds/341722/budget-policy"
    body = {"mode": "hold", "thresholds_percent": [90]}
    bad_mode = await client.put(
        url, json={"mode": "maybe"}, headers=auth("county_officer", "341722")
    )
    assert bad_mode.status_code == 422
    assert [e["field"] for e in bad_mode.json()["errors"]] == ["body.mode"]
    township = await client.put(url, json=body, headers=auth("township_officer", "341722100"))
    assert township.status_code == 403
    other = await client.put(url, json=body, headers=auth("county_officer", "341702"))
    assert (other.status_code, other.json()["code"]) == (403, "outside_jurisdiction")
    assert (await client.get(url, headers=auth("county_officer", "341702"))).status_code == 403


async def test_settlement_two_confirmations_at_once_never_spend_one_budget_twice(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    """Each month fits the budget alone, not both: confirmed at the same moment by two
    officers, exactly one is committed (the lock per budget orders them)."""
    world = scenario("341721111")
    await set_policy(client, auth, mode="refuse", thresholds_percent=[80, 95])
    await set_budget(client, auth, world.township, FundingSource.TEKUN_CARE, 3000)
    order = await world.order(await world.approve(), "LC-04", FeeUnit.VISIT)
    months = [await month_of_lc04(world, order, month, 1) for month in (5, 6)]  # 2000 fen each
    officers = [auth("township_officer", world.township, user_id=f"zhen-111-{n}") for n in (1, 2)]

    answers = await asyncio.gather(
        *(
            client.post(f"/statements/{statement}/confirm", headers=officer)
            for statement, officer in zip(months, officers, strict=True)
        )
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200, 422], [answer.text for answer in answers]
    refused = next(answer for answer in answers if answer.status_code == 422)
    assert refused.json()["code"] == "budget_exceeded"
    assert refused.json()["extra"]["committed_fen"] == 2000  # it saw the other's commitment
    statuses = sorted([(await world.statement(f"2032-{m:02d}")).status for m in (5, 6)])
    assert statuses == ["confirmed", "draft"]
    confirmed = [await emitted(world, "StatementConfirmed", s) for s in months]
    assert sorted(len(found) for found in confirmed) == [0, 1]  # one event, for the one committed
    report = await client.get(f"/funds/{world.township}/2032", headers=officers[0])
    tekun = fund_row(report.json(), FundingSource.TEKUN_CARE)
    assert (tekun["committed_fen"], tekun["remaining_fen"]) == (2000, 1000)
