"""支付异常: the queue joined to its batches, filters, and resolving a row (a person's note)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.routes.payments import bank_amount, exception_rows, township_choices

from .payments_steps import (
    BATCH,
    BATCH_READ,
    E1,
    E2,
    EXCEPTION,
    LINE,
    STATEMENT,
    UNKNOWN,
    settlement,
)

pytestmark = pytest.mark.unit


def test_rows_join_the_line_by_reference_and_read_the_banks_amount() -> None:
    rows = exception_rows([EXCEPTION, UNKNOWN], {BATCH: BATCH_READ})
    assert rows[0].batch_no == 3 and rows[0].line == LINE and rows[0].kind_zh == "金额不符"
    assert rows[0].bank_amount == "1,200.00" and rows[0].bank_message == "成功"
    assert rows[1].line is None and rows[1].bank_message == "账户已销户"
    assert exception_rows([EXCEPTION], {BATCH: None})[0].batch_no is None
    assert bank_amount({"amount_yuan": "1200.5"}) == "1200.5" and bank_amount({}) == "—"


def test_a_county_picks_among_its_townships() -> None:
    assert township_choices("341702100") == [("341702100", township_choices("341702100")[0][1])]
    county = township_choices("341702")
    assert len(county) > 1 and all(len(code) == 9 for code, _ in county)
    assert township_choices(None) == [] and township_choices("999999") == []


async def test_the_queue_shows_each_row_with_its_batch_statement_and_amounts(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    page = await console.get("/payment-exceptions", params={"page": 2})
    assert page.status_code == 200
    text = page.text
    assert "B3" in text and "第2行 / B3-1" in text and "金额不符" in text
    assert f'href="/statements/{STATEMENT}"' in text and "P-GC-01" in text
    assert "1,234.56" in text and "1,200.00" in text  # the batch's and the bank's amount
    assert "账户已销户" in text and "本批次无此参考号" in text
    assert f'href="/statements/{STATEMENT}/payment-reversal"' in text  # the paid line
    assert "第 2 / 3 页" in text and "township_code=341702100&amp;state=open&amp;page=3" in text
    listed = next(r for r in fakes.seen if r.url.path == "/payment-exceptions")
    assert dict(listed.url.params) == {
        "township_code": "341702100",
        "state": "open",
        "page": "2",
        "size": "20",
    }
    # One read of the batch for both rows, and the recent batches beside the queue.
    assert sum(r.url.path == f"/payment-batches/{BATCH}" for r in fakes.seen) == 1
    assert "已对账" in text and "最近的支付批次" in text
    # Each open row has its resolve form; the reversals waiting for approval are listed.
    assert f'action="/payment-exceptions/{E1}/resolution"' in text and f'for="note-{E1}"' in text
    assert f'action="/payment-exceptions/{E2}/resolution"' in text
    waiting = next(r for r in fakes.seen if r.url.path == "/payment-reversals")
    assert dict(waiting.url.params) == {
        "township_code": "341702100",
        "state": "pending",
        "size": "20",
    }
    assert "待审批的冲销支付" in text and "银行重复入账" in text and "officer-7" in text
    assert "去审批" in text


async def test_the_state_filter_goes_to_settlement_and_a_resolved_row_shows_who_and_why(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    done = {**EXCEPTION, "resolved_by": "officer-9", "resolved_at": "2026-12-05T01:00:00+00:00",
            "resolution_note_zh": "已与银行核实"}  # fmt: skip

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/payment-exceptions":
            return httpx.Response(200, json={"items": [done], "total": 1, "page": 1, "size": 20})
        return settlement(request)

    fakes.on["settlement"] = answer
    page = await console.get("/payment-exceptions", params={"state": "resolved"})
    listed = next(r for r in fakes.seen if r.url.path == "/payment-exceptions")
    assert listed.url.params["state"] == "resolved"
    assert "已处理：officer-9" in page.text and "已与银行核实" in page.text
    assert f"/payment-exceptions/{E1}/resolution" not in page.text
    assert '<option value="resolved" selected>' in page.text
    fakes.seen.clear()
    await console.get("/payment-exceptions", params={"state": "nonsense"})
    listed = next(r for r in fakes.seen if r.url.path == "/payment-exceptions")
    assert listed.url.params["state"] == "open"  # an unknown filter falls back to open rows


async def csrf_of_queue(console: httpx.AsyncClient) -> str:
    page = await console.get("/payment-exceptions")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def test_a_row_is_resolved_with_a_note(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="checker")
    posts: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request)
            return httpx.Response(200, json={**EXCEPTION, "resolved_by": "checker-1"})
        return settlement(request)

    fakes.on["settlement"] = answer
    form = {"csrf_token": await csrf_of_queue(console), "township_code": "341702100",
            "note_zh": " 已与银行核实，他行误退 "}  # fmt: skip
    done = await console.post(f"/payment-exceptions/{E1}/resolution", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == "/payment-exceptions?township_code=341702100&resolved=1"
    assert posts[0].url.path == f"/payment-exceptions/{E1}/resolution"
    assert json.loads(posts[0].content) == {"note_zh": "已与银行核实，他行误退"}
    assert "该异常已处理" in (await console.get(done.headers["location"])).text


async def test_a_blank_note_is_refused_next_to_its_rows_field(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    form = {"csrf_token": await csrf_of_queue(console), "township_code": "341702100"}
    refused = await console.post(
        f"/payment-exceptions/{E2}/resolution", data=form | {"note_zh": " "}
    )
    assert refused.status_code == 422
    assert f'<p class="field-error" id="note-{E2}-error">请填写处理说明</p>' in refused.text
    assert f'id="note-{E1}-error"' not in refused.text
    assert not [r for r in fakes.seen if r.method == "POST"]


async def test_a_second_resolution_shows_settlements_refusal(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    message = "该支付异常已处理，不能重复处理"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = {"status": 409, "code": "exception_already_resolved", "detail": message}
            return httpx.Response(409, json=body)
        return settlement(request)

    fakes.on["settlement"] = answer
    form = {"csrf_token": await csrf_of_queue(console), "township_code": "341702100",
            "note_zh": "已核实"}  # fmt: skip
    refused = await console.post(f"/payment-exceptions/{E1}/resolution", data=form)
    assert refused.status_code == 409 and message in refused.text


async def test_a_resolution_without_the_csrf_token_is_refused(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    refused = await console.post(f"/payment-exceptions/{E1}/resolution", data={"note_zh": "x"})
    assert refused.status_code == 403
    assert not [r for r in fakes.seen if r.method == "POST"]


async def test_a_down_settlement_shows_in_the_queue_and_the_batches(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="checker")
    page = await console.get("/payment-exceptions")
    assert page.status_code == 200 and page.text.count("资金结算服务暂不可用") == 3
    assert 'href="/payment-exceptions"' in page.text  # the checker's navigation


async def test_a_county_user_picks_a_township_before_the_queue_is_read(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="checker", division="341702")
    fakes.on["settlement"] = settlement
    page = await console.get("/payment-exceptions")
    assert "请先选择乡镇(街道)" in page.text and not fakes.seen
    assert '<label for="filter-township">' in page.text
    await console.get("/payment-exceptions", params={"township_code": "341702100"})
    listed = next(r for r in fakes.seen if r.url.path == "/payment-exceptions")
    assert listed.url.params["township_code"] == "341702100"
