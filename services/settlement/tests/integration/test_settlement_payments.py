"""Issue 21: four eyes on paying, payment batches, bank files and the bank's return, and
providers' bank accounts sealed at rest.

石台县 (341722), townships 103/104/105, periods in 2033 only: no other test pays there.
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
from contracts.dispatch import ProviderRegistered
from contracts.enums import FeeUnit, FundingSource
from contracts.samples import sample
from devstack.read_audit import reads
from settlement.handlers import readmodels

from .payment_steps import RETURN_COLUMNS, RETURN_HEADER, Auth, upload_return, user_as

pytestmark = pytest.mark.integration

COUNTY, T1, T2, T3 = "341722", "341722103", "341722104", "341722105"
HEADER = RETURN_HEADER
UTF8 = {
    "columns": [
        {"field": f, "header_zh": h}
        for f, h in (
            ("line_ref", "业务参考号"),
            ("provider_code", "服务供给主体代码"),
            ("amount_yuan", "金额(元)"),
            ("amount_fen", "金额(分)"),
        )
    ],
    "return_columns": RETURN_COLUMNS,
}


@pytest.fixture(autouse=True)
def after_2033() -> Iterator[None]:
    """Every month of 2033 has closed (Asia/Shanghai), so its statements can be confirmed."""
    with clock.using(clock.Clock.fixed(datetime(2034, 1, 20, 2, tzinfo=UTC))):
        yield


async def _confirmed(
    world: Any, client: httpx.AsyncClient, officer: dict[str, str], month: str
) -> Any:
    """One service in ``month`` settled and confirmed by ``officer``; the statement's row."""
    who = await world.approve()
    order = await world.order(
        who, "CL-01", FeeUnit.VISIT, funding_source=FundingSource.OTHER_SERVICE_AID
    )
    await world.deliver(order, date.fromisoformat(f"{month}-11"))
    await world.settle(month)
    row = await world.statement(month)
    done = await client.post(f"/statements/{row.statement_id}/confirm", headers=officer)
    assert done.status_code == 200, done.text
    return row


async def _utf8(client: httpx.AsyncClient, auth: Auth) -> None:
    """The county's bank takes UTF-8 files (the GBK test sets its own format)."""
    put = await client.put(
        f"/payment-formats/{COUNTY}", json=UTF8, headers=auth("county_officer", COUNTY)
    )
    assert put.status_code == 200, put.text


async def _batch(client: httpx.AsyncClient, township: str, maker: dict[str, str]) -> Any:
    made = await client.post("/payment-batches", json={"township_code": township}, headers=maker)
    assert made.status_code == 201, made.text
    return made.json()


async def _events(world: Any, event_type: str, key: Any) -> list[dict[str, Any]]:
    query = "select payload from outbox_message where event_type = :type and key = :key"
    rows = await world.sql(query, type=f"settlement.{event_type}", key=str(key))
    return [json.loads(payload) for (payload,) in rows]


async def test_settlement_the_same_user_cannot_confirm_and_pay(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    await _utf8(client, auth)
    world = scenario(T1)
    _, confirmer = user_as(auth, "township_officer", T1)
    row = await _confirmed(world, client, confirmer, "2033-01")
    maker_id, maker = user_as(auth, "township_officer", T1)
    _, checker = user_as(auth, "checker", T1)
    # The checker approves and reads; it initiates nothing.
    assert (
        await client.post("/payment-batches", json={"township_code": T1}, headers=checker)
    ).status_code == 403
    assert (
        await client.post(f"/statements/{row.statement_id}/confirm", headers=checker)
    ).status_code == 403
    assert (await client.post(f"/settlements/{T1}/2033-01/run", headers=checker)).status_code == 403
    seen = await client.get(f"/statements/{row.statement_id}", headers=checker)
    assert (seen.status_code, seen.json()["status"]) == (200, "confirmed")
    elsewhere = auth("checker", T2)
    assert (
        await client.get(f"/statements/{row.statement_id}", headers=elsewhere)
    ).status_code == 403

    batch = await _batch(client, T1, maker)
    assert [(x["statement_id"], x["amount_fen"]) for x in batch["lines"]] == [
        (str(row.statement_id), row.total_fen)
    ]
    assert (batch["status"], batch["created_by"], batch["approved_by"]) == (
        "created",
        maker_id,
        None,
    )
    url = f"/payment-batches/{batch['batch_id']}"
    early = await client.get(f"{url}/bank-file", headers=maker)
    assert (early.status_code, early.json()["code"]) == (409, "batch_status_conflict")

    by_confirmer = await client.post(f"{url}/approve", headers=confirmer)
    assert (by_confirmer.status_code, by_confirmer.json()["code"]) == (409, "four_eyes_required")
    assert by_confirmer.json()["extra"]["statement_ids"] == [str(row.statement_id)]
    by_maker = await client.post(f"{url}/approve", headers=maker)
    assert (by_maker.status_code, by_maker.json()["code"]) == (409, "four_eyes_required")
    assert (await client.post(f"{url}/approve", headers=elsewhere)).status_code == 403

    second_id, second = user_as(auth, "township_officer", T1)
    approved = await client.post(f"{url}/approve", headers=second)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", second_id)
    late = await client.post(f"{url}/approve", headers=checker)
    assert (late.status_code, late.json()["code"]) == (409, "batch_status_conflict")
    # Approved is not paid: the statement waits for the bank.
    head = await world.statement("2033-01")
    assert (head.status, head.paid_by) == ("confirmed", None)
    page = await client.get("/payment-batches", params={"township_code": T1}, headers=checker)
    assert [b["batch_id"] for b in page.json()["items"]] == [batch["batch_id"]]
    listed = await client.get("/statements", params={"township_code": T2}, headers=checker)
    assert listed.status_code == 403  # a checker lists only its own township's statements


async def test_settlement_a_bank_failure_leaves_the_line_unpaid_and_reissued_next_month(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    await _utf8(client, auth)
    paid_world, failed_world = scenario(T2), scenario(T2)
    _, confirmer = user_as(auth, "township_officer", T2)
    good = await _confirmed(paid_world, client, confirmer, "2033-02")
    bad = await _confirmed(failed_world, client, confirmer, "2033-02")
    _, maker = user_as(auth, "township_officer", T2)
    checker_id, checker = user_as(auth, "checker", T2)
    batch = await _batch(client, T2, maker)
    refs = {x["statement_id"]: x["line_ref"] for x in batch["lines"]}
    assert set(refs) == {str(good.statement_id), str(bad.statement_id)}
    assert batch["total_fen"] == good.total_fen + bad.total_fen
    url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{url}/approve", headers=checker)).status_code == 200
    sent = await client.get(f"{url}/bank-file", headers=checker)
    assert sent.status_code == 200
    rows = list(csv.reader(io.StringIO(sent.content.decode("utf-8-sig"))))
    assert rows[0] == ["业务参考号", "服务供给主体代码", "金额(元)", "金额(分)"]
    assert sorted(rows[1:]) == sorted(
        [
            [
                refs[str(s.statement_id)],
                s.provider_code,
                f"{s.total_fen // 100}.{s.total_fen % 100:02d}",
                str(s.total_fen),
            ]
            for s in (good, bad)
        ]
    )

    text = (
        HEADER
        + f"{refs[str(good.statement_id)]},成功,ICBC-0001,,2033-03-05\r\n"
        + f"{refs[str(bad.statement_id)]},失败,,收款账户已销户,2033-03-05\r\n"
        + "B999999-1,成功,ICBC-0009,,2033-03-05\r\n"
    ).encode("utf-8-sig")
    first = await upload_return(client, batch["batch_id"], text, checker)
    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {"paid": 1, "failed": 1, "unchanged": 0, "flagged": 1}
    assert [(r["row_no"], r["outcome"]) for r in first.json()["rows"]] == [
        (2, "paid"),
        (3, "failed"),
        (4, "flagged"),
    ]
    assert first.json()["batch_status"] == "closed"
    paid, unpaid = await paid_world.statement("2033-02"), await failed_world.statement("2033-02")
    assert (paid.status, paid.payment_reference, paid.paid_on, paid.paid_by) == (
        "paid",
        "ICBC-0001",
        date(2033, 3, 5),
        checker_id,
    )
    assert (unpaid.status, unpaid.payment_reference) == ("confirmed", None)
    shown = (await client.get(url, headers=checker)).json()
    failed_line = next(x for x in shown["lines"] if x["statement_id"] == str(bad.statement_id))
    assert (failed_line["status"], failed_line["bank_reason"]) == ("failed", "收款账户已销户")
    assert [(x["line_ref"], x["kind"]) for x in shown["exceptions"]] == [
        ("B999999-1", "unknown_line")
    ]

    again = await upload_return(client, batch["batch_id"], text, checker)
    assert again.json()["counts"] == {"paid": 0, "failed": 0, "unchanged": 2, "flagged": 1}
    assert again.json()["already_imported"] is True
    [paid_event] = await _events(paid_world, "StatementPaid", good.statement_id)
    assert (paid_event["batch_id"], paid_event["amount_fen"], paid_event["payment_reference"]) == (
        batch["batch_id"],
        good.total_fen,
        "ICBC-0001",
    )
    [failed_event] = await _events(failed_world, "PaymentFailed", bad.statement_id)
    assert failed_event["bank_reason_zh"] == "收款账户已销户"
    flagged = await client.get("/payment-exceptions", params={"township_code": T2}, headers=maker)
    assert [(x["line_ref"], x["row_no"]) for x in flagged.json()["items"]] == [("B999999-1", 4)]
    assert await paid_world.sql(
        "select count(*) from payment_return where batch_id = :b", b=batch["batch_id"]
    ) == [(1,)]

    # Next month: the failed statement is issued again beside March's new one.
    march = await _confirmed(paid_world, client, confirmer, "2033-03")
    following = await _batch(client, T2, maker)
    assert {x["statement_id"] for x in following["lines"]} == {
        str(bad.statement_id),
        str(march.statement_id),
    }


async def test_settlement_a_gbk_bank_file_in_the_countys_columns_reads_back_to_the_fen(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    county = auth("county_officer", COUNTY)
    gbk = {
        "columns": [
            {"field": "line_ref", "header_zh": "业务编号"},
            {"field": "payee_name", "header_zh": "收款人名称"},
            {"field": "amount_yuan", "header_zh": "金额（元）"},
            {"field": "purpose", "header_zh": "用途"},
        ],
        "return_columns": [
            {"field": "line_ref", "header_zh": "业务编号"},
            {"field": "result", "header_zh": "结果"},
            {"field": "bank_serial", "header_zh": "流水号"},
            {"field": "amount_yuan", "header_zh": "金额（元）"},
        ],
        "delimiter": "|",
        "encoding": "gbk",
    }
    put = await client.put(f"/payment-formats/{COUNTY}", json=gbk, headers=county)
    assert put.status_code == 200, put.text
    assert (put.json()["is_default"], put.json()["encoding"]) == (False, "gbk")
    bad_format = {**gbk, "return_columns": gbk["return_columns"][:1]}
    refused = await client.put(f"/payment-formats/{COUNTY}", json=bad_format, headers=county)
    assert (refused.status_code, refused.json()["code"]) == (422, "too_short")
    township = auth("township_officer", T3)
    assert (
        await client.put(f"/payment-formats/{COUNTY}", json=gbk, headers=township)
    ).status_code == 403
    assert (await client.get(f"/payment-formats/{COUNTY}", headers=township)).json()[
        "delimiter"
    ] == "|"

    world = scenario(T3)
    name = "石台县仁里敬老院"
    registered = sample(
        ProviderRegistered,
        provider_id=world.provider_id,
        provider_code=world.provider_code,
        name_zh=name,
        county_code=COUNTY,
    )
    await world.run(readmodels.note_provider, registered)
    row = await _confirmed(world, client, auth("township_officer", T3), "2033-04")
    _, maker = user_as(auth, "township_officer", T3)
    batch = await _batch(client, T3, maker)
    [line] = [x for x in batch["lines"] if x["statement_id"] == str(row.statement_id)]
    checker = auth("checker", T3)
    url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{url}/approve", headers=checker)).status_code == 200
    sent = await client.get(f"{url}/bank-file", headers=checker)
    assert sent.headers["content-type"] == "text/csv; charset=gbk"
    table = list(csv.reader(io.StringIO(sent.content.decode("gbk")), delimiter="|"))
    assert table[0] == ["业务编号", "收款人名称", "金额（元）", "用途"]
    mine = next(r for r in table[1:] if r[0] == line["line_ref"])
    yuan = f"{row.total_fen // 100}.{row.total_fen % 100:02d}"
    assert mine == [line["line_ref"], name, yuan, "社会救助服务费 2033-04"]

    malformed = f"业务编号|结果|流水号|金额（元）\r\n{line['line_ref']}|待定|S1|{yuan}\r\n"
    problem = await upload_return(client, batch["batch_id"], malformed.encode("gbk"), checker)
    assert (problem.status_code, problem.json()["code"]) == (422, "result_unknown")
    assert problem.json()["extra"] == {"row": 2, "column": "result", "column_zh": "结果"}
    assert "第2行" in problem.json()["title"]
    wrong = (
        f"业务编号|结果|流水号|金额（元）\r\n{line['line_ref']}|成功|S1|{row.total_fen + 1}.00\r\n"
    )
    mismatch = await upload_return(client, batch["batch_id"], wrong.encode("gbk"), checker)
    assert [r["flag"] for r in mismatch.json()["rows"]] == ["amount_mismatch"]
    right = f"业务编号|结果|流水号|金额（元）\r\n{line['line_ref']}|成功|BOC-77|{yuan}\r\n"
    paid = await upload_return(client, batch["batch_id"], right.encode("gbk"), checker)
    assert paid.json()["counts"]["paid"] == 1, paid.text
    assert (await world.statement("2033-04")).payment_reference == "BOC-77"
    await client.put(f"/payment-formats/{COUNTY}", json=UTF8, headers=county)


async def test_settlement_a_payment_reversal_needs_a_second_person(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    await _utf8(client, auth)
    world = scenario(T3)
    row = await _confirmed(world, client, auth("township_officer", T3), "2033-05")
    requester_id, requester = user_as(auth, "township_officer", T3)
    checker_id, checker = user_as(auth, "checker", T3)
    url = f"/statements/{row.statement_id}/payment-reversal"
    not_paid = await client.post(url, json={"reason_zh": "重复支付"}, headers=requester)
    assert (not_paid.status_code, not_paid.json()["code"]) == (409, "statement_not_paid")

    batch = await _batch(client, T3, requester)
    [line] = [x for x in batch["lines"] if x["statement_id"] == str(row.statement_id)]
    batch_url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{batch_url}/approve", headers=checker)).status_code == 200
    assert (await client.get(f"{batch_url}/bank-file", headers=checker)).status_code == 200
    text = f"{HEADER}{line['line_ref']},成功,CCB-5,,2033-06-02\r\n".encode("utf-8-sig")
    assert (await upload_return(client, batch["batch_id"], text, checker)).json()["counts"][
        "paid"
    ] == 1

    assert (
        await client.post(url, json={"reason_zh": "重复支付"}, headers=checker)
    ).status_code == 403
    asked = await client.post(
        url, json={"reason_zh": "银行重复入账，退回后重付"}, headers=requester
    )
    assert asked.status_code == 201, asked.text
    assert (
        asked.json()["status"],
        asked.json()["amount_fen"],
        asked.json()["payment_reference"],
    ) == (
        "pending",
        row.total_fen,
        "CCB-5",
    )
    twice = await client.post(url, json={"reason_zh": "再次申请"}, headers=requester)
    assert (twice.status_code, twice.json()["code"]) == (409, "reversal_pending")
    own = await client.post(f"{url}/approve", headers=requester)
    assert (own.status_code, own.json()["code"]) == (409, "four_eyes_required")
    assert (await world.statement("2033-05")).status == "paid"

    approved = await client.post(f"{url}/approve", headers=checker)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["approved_by"], approved.json()["statement_status"]) == (
        checker_id,
        "confirmed",
    )
    head = await world.statement("2033-05")
    assert (head.status, head.payment_reference, head.paid_on, head.paid_by) == (
        "confirmed",
        None,
        None,
        None,
    )
    [event] = await _events(world, "PaymentReversed", row.statement_id)
    assert (event["requested_by"], event["approved_by"], event["amount_fen"]) == (
        requester_id,
        checker_id,
        row.total_fen,
    )
    # The payment ledger keeps both: the bank's payment and its reversal, each with two people.
    ledger = await world.sql(
        "select l.status, l.bank_serial, r.requested_by, r.approved_by from payment_line l"
        " join payment_reversal r on r.statement_id = l.statement_id where l.statement_id = :s",
        s=row.statement_id,
    )
    assert [tuple(x) for x in ledger] == [("paid", "CCB-5", requester_id, checker_id)]
    gone = await client.post(f"{url}/approve", headers=checker)
    assert (gone.status_code, gone.json()["code"]) == (409, "no_pending_reversal")
    again = await _batch(client, T3, requester)
    assert str(row.statement_id) in {x["statement_id"] for x in again["lines"]}


async def test_settlement_a_providers_bank_account_is_sealed_masked_and_its_reads_audited(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Auth
) -> None:
    world = scenario(T1)
    registered = sample(
        ProviderRegistered,
        provider_id=world.provider_id,
        provider_code=world.provider_code,
        name_zh="石台县七都镇社工站",
        county_code=COUNTY,
    )
    await world.run(readmodels.note_provider, registered)
    number, holder = "6228480012345678901", "石台县七都镇社会工作服务站"
    body = {"account_no": number, "account_name": holder, "bank_name": "中国农业银行石台县支行"}
    url = f"/providers/{world.provider_code}/bank-account"
    county_id, county = user_as(auth, "county_officer", COUNTY)
    assert (
        await client.put(url, json=body, headers=auth("township_officer", T1))
    ).status_code == 403
    other = auth("county_officer", "341721")
    assert (await client.put(url, json=body, headers=other)).status_code == 403
    bad = await client.put(url, json={**body, "account_no": "62284800ab"}, headers=county)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "body.account_no")
    put = await client.put(url, json=body, headers=county)
    assert put.status_code == 200, put.text
    assert (put.json()["account_no_masked"], put.json()["set_by"]) == ("****8901", county_id)
    checker_id, checker = user_as(auth, "checker", T1)
    shown = await client.get(url, headers=checker)
    assert (shown.status_code, shown.json()["account_name"]) == (200, holder)
    assert number not in shown.text
    missing = await client.get("/providers/p-nobody/bank-account", headers=checker)
    assert (missing.status_code, missing.json()["code"]) == (404, "provider_not_found")
    [stored] = await world.sql(
        "select account_no, account_name, account_last4 from provider_bank_account"
        " where provider_code = :p",
        p=world.provider_code,
    )
    assert number not in stored[0] and holder not in stored[1] and stored[2] == "8901"

    fmt = {
        **UTF8,
        "columns": [
            {"field": f, "header_zh": h}
            for f, h in (
                ("line_ref", "业务参考号"),
                ("account_no", "收款账号"),
                ("account_name", "收款户名"),
                ("bank_name", "开户行"),
                ("amount_fen", "金额(分)"),
            )
        ],
    }
    assert (
        await client.put(f"/payment-formats/{COUNTY}", json=fmt, headers=county)
    ).status_code == 200
    row = await _confirmed(world, client, auth("township_officer", T1), "2033-06")
    batch = await _batch(client, T1, auth("township_officer", T1))
    [line] = [x for x in batch["lines"] if x["statement_id"] == str(row.statement_id)]
    batch_url = f"/payment-batches/{batch['batch_id']}"
    assert (await client.post(f"{batch_url}/approve", headers=checker)).status_code == 200
    sent = await client.get(f"{batch_url}/bank-file", headers=checker)
    table = list(csv.reader(io.StringIO(sent.content.decode("utf-8-sig"))))
    assert [line["line_ref"], number, holder, "中国农业银行石台县支行", str(row.total_fen)] in table
    await _utf8(client, auth)

    auditor = auth("auditor", "341700")
    lines = await reads(client, auditor, user_id=checker_id)
    assert {x["route"] for x in lines} >= {
        "GET /providers/{provider_code}/bank-account",
        "GET /payment-batches/{batch_id}/bank-file",
    }
