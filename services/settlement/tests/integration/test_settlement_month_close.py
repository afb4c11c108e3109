"""Confirming and paying a month through the API: late records, the 1% cap, bank batches,
exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from contracts.enums import FeeUnit, FundingSource, RecipientStatus

pytestmark = pytest.mark.integration


async def test_settlement_a_correction_after_the_month_closed_lands_on_the_next_statement(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341702102")
    officer = auth("township_officer", world.township)
    who = await world.approve()
    order = await world.order(who, "LC-04", FeeUnit.VISIT)
    await world.deliver(order, date(2024, 5, 20))
    await world.deliver(order, date(2024, 5, 28))
    run = await client.post(f"/settlements/{world.township}/2024-05/run", headers=officer)
    assert run.status_code == 200, run.text
    [may] = [s for s in run.json()["statements"] if s["provider_id"] == str(world.provider_id)]
    assert (may["total_fen"], may["consistent"], may["status"]) == (4000, True, "draft")
    confirmed = await client.post(f"/statements/{may['statement_id']}/confirm", headers=officer)
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["version"]) == ("confirmed", 2)

    # The stop is decided after May was closed, effective from 25 May.
    await world.change(who, RecipientStatus.STOPPED, date(2024, 5, 25))
    reversal = [x for x in await world.lines() if x.kind == "reversal"]
    assert [(x.service_month, x.period, x.amount_fen) for x in reversal] == [
        ("2024-05", "2024-06", -2000)
    ]
    may_head = await world.statement("2024-05")
    assert (may_head.total_fen, may_head.line_count, may_head.version) == (4000, 2, 2)  # untouched

    await world.settle("2024-06")
    june = (
        await client.get(
            f"/statements/{(await world.statement('2024-06')).statement_id}", headers=officer
        )
    ).json()
    assert (june["total_fen"], june["adjustment_fen"], june["consistent"]) == (-2000, -2000, True)
    assert [(i["item_code"], i["is_adjustment"], i["quantity"]) for i in june["by_item"]] == [
        ("LC-04", True, -1)
    ]
    page = await client.get(f"/statements/{june['statement_id']}/print", headers=officer)
    assert "往期调整" in page.text and "负贰拾元整" in page.text


async def test_settlement_a_late_charge_shows_as_an_adjustment_line_on_the_next_month(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341702103")
    officer = auth("township_officer", world.township)
    who = await world.approve()
    order = await world.order(who, "CL-01", FeeUnit.VISIT)
    await world.deliver(order, date(2024, 3, 5))
    await world.settle("2024-03")
    march = await world.statement("2024-03")
    assert (
        await client.post(f"/statements/{march.statement_id}/confirm", headers=officer)
    ).status_code == 200
    await world.deliver(order, date(2024, 3, 20))  # late
    await world.deliver(order, date(2024, 4, 2))
    await world.settle("2024-04")
    april = (
        await client.get(
            f"/statements/{(await world.statement('2024-04')).statement_id}", headers=officer
        )
    ).json()
    assert (april["total_fen"], april["adjustment_fen"], april["line_count"]) == (10_000, 5000, 2)
    assert {(i["item_code"], i["is_adjustment"], i["amount_fen"]) for i in april["by_item"]} == {
        ("CL-01", False, 5000),
        ("CL-01", True, 5000),
    }


async def test_settlement_a_draft_that_missed_new_lines_cannot_be_confirmed(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341702104")
    officer = auth("township_officer", world.township)
    who = await world.approve()
    order = await world.order(who)
    await world.deliver(order, date(2024, 2, 5))
    [statement_id] = await world.settle("2024-02")
    await world.deliver(order, date(2024, 2, 6))
    refused = await client.post(f"/statements/{statement_id}/confirm", headers=officer)
    assert refused.status_code == 409
    assert refused.json()["code"] == "statement_stale"
    await world.settle("2024-02")
    assert (
        await client.post(f"/statements/{statement_id}/confirm", headers=officer)
    ).status_code == 200


async def test_settlement_the_one_percent_cap_refuses_a_statement_with_the_figures(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721100")  # 东至县: no other test uses its capped fund
    county = auth("county_officer", world.county)
    officer = auth("township_officer", world.township)
    who = await world.approve()
    order = await world.order(
        who, "CB-01", FeeUnit.HOUR, funding_source=FundingSource.ASSISTANCE_WORK_SPECIAL
    )
    await world.deliver(
        order, date(2024, 6, 3), quantity=3
    )  # 3 × 8000 = 24000 fen from the capped fund
    [statement_id] = await world.settle("2024-06")

    missing = await client.post(f"/statements/{statement_id}/confirm", headers=officer)
    assert missing.status_code == 422
    assert missing.json()["extra"]["assistance_total_fen"] is None

    put = await client.put(
        f"/funds/{world.county}/2024/assistance-total",
        json={"total_fen": 2_000_000},
        headers=county,
    )
    assert put.status_code == 204
    refused = await client.post(f"/statements/{statement_id}/confirm", headers=officer)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "assistance_fund_cap_exceeded"
    assert "1%" in problem["title"]
    figures = problem["extra"]
    assert (figures["cap_fen"], figures["used_fen"], figures["statement_fen"]) == (
        20_000,
        0,
        24_000,
    )
    assert (figures["would_be_fen"], figures["over_by_fen"]) == (24_000, 4_000)
    assert figures["funding_source_zh"] == "社会救助工作经费或社会救助专项经费"

    await client.put(
        f"/funds/{world.county}/2024/assistance-total",
        json={"total_fen": 2_400_000},
        headers=county,
    )
    assert (
        await client.post(f"/statements/{statement_id}/confirm", headers=officer)
    ).status_code == 200
    report = (await client.get(f"/funds/{world.county}/2024", headers=county)).json()
    assert report["cap"]["used_fen"] == 24_000
    capped = next(f for f in report["funds"] if f["funding_source"] == "assistance_work_special")
    assert capped["committed_fen"] == 24_000


async def test_settlement_a_confirmed_statement_is_paid_once_and_exported(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341702105")
    officer = auth("township_officer", world.township)
    who = await world.approve()
    order = await world.order(
        who, "HC-01", FeeUnit.VISIT, funding_source=FundingSource.HOME_ELDERLY_CARE
    )
    await world.deliver(order, date(2024, 1, 9))
    await world.deliver(order, date(2024, 1, 23))
    [statement_id] = await world.settle("2024-01")
    url = f"/statements/{statement_id}"
    township = {"township_code": world.township}
    early = await client.post("/payment-batches", json=township, headers=officer)
    assert (early.status_code, early.json()["code"]) == (422, "nothing_to_pay")  # a draft
    assert (await client.post(f"{url}/confirm", headers=officer)).status_code == 200
    assert (await client.post(f"{url}/confirm", headers=officer)).status_code == 409
    # Paid through a batch another person approves, when the bank's return says so.
    made = await client.post("/payment-batches", json=township, headers=officer)
    assert made.status_code == 201, made.text
    batch = made.json()
    [line] = batch["lines"]
    assert (line["statement_id"], line["amount_fen"]) == (str(statement_id), 12_000)
    checker = auth("checker", world.township)
    batch_url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{batch_url}/approve", headers=checker)).status_code == 200
    assert (await client.get(f"{batch_url}/bank-file", headers=checker)).status_code == 200
    header = "业务参考号,处理结果,银行流水号,失败原因,交易日期\r\n"
    paid_return = f"{header}{line['line_ref']},成功,PZ-2024-001,,2024-02-10\r\n"
    imported = await _bank_return(client, batch_url, paid_return, checker)
    assert imported["counts"] == {"paid": 1, "failed": 0, "unchanged": 0, "flagged": 0}
    paid = (await client.get(url, headers=officer)).json()
    assert (paid["status"], paid["payment_reference"], paid["paid_on"]) == (
        "paid",
        "PZ-2024-001",
        "2024-02-10",
    )
    # The same return again changes nothing; another serial for the same line is flagged.
    same = await _bank_return(client, batch_url, paid_return, checker)
    assert (same["counts"]["unchanged"], same["already_imported"]) == (1, True)
    other = await _bank_return(
        client, batch_url, f"{header}{line['line_ref']},成功,PZ-2024-002,,2024-02-11\r\n", checker
    )
    assert [r["flag"] for r in other["rows"]] == ["conflicting_result"]
    after = (await client.get(url, headers=officer)).json()
    assert (after["version"], after["payment_reference"]) == (paid["version"], "PZ-2024-001")
    again = await client.post("/payment-batches", json=township, headers=officer)
    assert again.json()["code"] == "nothing_to_pay"  # paid once

    exported = await client.get(f"{url}/lines.csv", headers=officer)
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["台账行号", "类型", "结算期间"]
    assert [r[13] for r in rows[1:]] == ["6000", "6000"]
    assert {r[15] for r in rows[1:]} == {"居家养老服务经费"}

    page = await client.get(f"{url}/print", headers=officer)
    assert page.status_code == 200
    html = page.text
    for text in (
        "社会救助服务费用月度结算单",
        "壹佰贰拾元整",
        "120.00",
        "健康护理",
        "已支付",
        "PZ-2024-001",
        "示例标准",
        "盖章",
    ):
        assert text in html, text
    provider = auth("provider", provider_code=world.provider_code)
    assert (await client.get(f"{url}/print", headers=provider)).status_code == 200
    stranger = auth("provider", provider_code="someone-else")
    assert (await client.get(f"{url}/print", headers=stranger)).status_code == 403
    ledger = await client.get(
        "/ledger.csv",
        params={"township_code": world.township, "period": "2024-01"},
        headers=officer,
    )
    assert ledger.status_code == 200
    assert str(statement_id) not in ledger.text and world.provider_code in ledger.text


async def test_settlement_only_the_township_may_confirm_and_only_its_own(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341702106")
    who = await world.approve()
    await world.deliver(await world.order(who), date(2024, 1, 9))
    [statement_id] = await world.settle("2024-01")
    url = f"/statements/{statement_id}/confirm"
    assert (await client.post(url, headers=auth("county_officer", world.county))).status_code == 403
    assert (
        await client.post(url, headers=auth("township_officer", "341702100"))
    ).status_code == 403
    assert (await client.post(url)).status_code == 401
    current = await client.post(
        f"/settlements/{world.township}/{date.today():%Y-%m}/run",
        headers=auth("auditor", world.county),
    )
    assert current.status_code == 403


async def test_settlement_a_provider_lists_only_its_own_statements(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    mine, theirs = scenario("341702108"), scenario("341702108")
    for world in (mine, theirs):
        who = await world.approve()
        await world.deliver(await world.order(who), date(2024, 1, 12))
        await world.settle("2024-01")
    provider = auth("provider", provider_code=mine.provider_code)
    listed = await client.get(
        "/statements", params={"township_code": mine.township}, headers=provider
    )
    assert listed.status_code == 200
    assert {s["provider_code"] for s in listed.json()["items"]} == {mine.provider_code}
    other = await theirs.statement("2024-01")
    assert (
        await client.get(f"/statements/{other.statement_id}", headers=provider)
    ).status_code == 403
    staff = await client.get(
        "/statements", params={"township_code": mine.township}, headers=auth("auditor", "341702")
    )
    assert {mine.provider_code, theirs.provider_code} <= {
        s["provider_code"] for s in staff.json()["items"]
    }


async def _bank_return(
    client: httpx.AsyncClient, batch_url: str, text: str, headers: dict[str, str]
) -> Any:
    """Imports a bank return (UTF-8 with BOM, the default format) into a batch."""
    files = {"file": ("return.csv", text.encode("utf-8-sig"), "text/csv")}
    imported = await client.post(f"{batch_url}/bank-return", files=files, headers=headers)
    assert imported.status_code == 200, imported.text
    return imported.json()
