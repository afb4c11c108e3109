"""冲销支付: the two-person reversal forms, and the reversals waiting for approval."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .payments_steps import (
    STATEMENT,
    csrf_of,
    pending,
    settlement,
)

pytestmark = pytest.mark.unit


async def test_a_reversal_is_asked_with_its_reason(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    posts: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request)
            return httpx.Response(201, json={"status": "pending"})
        return settlement(request)

    fakes.on["settlement"] = answer
    form = {"csrf_token": await csrf_of(console), "reason_zh": " 银行退回，账户有误 "}
    done = await console.post(f"/statements/{STATEMENT}/payment-reversal", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == f"/statements/{STATEMENT}/payment-reversal?done=requested"
    assert posts[0].url.path == f"/statements/{STATEMENT}/payment-reversal"
    assert json.loads(posts[0].content) == {"reason_zh": "银行退回，账户有误"}
    shown = await console.get(done.headers["location"])
    assert "冲销支付已申请" in shown.text


async def test_a_blank_reason_is_refused_next_to_its_field_without_asking_settlement(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    form = {"csrf_token": await csrf_of(console), "reason_zh": "  "}
    refused = await console.post(f"/statements/{STATEMENT}/payment-reversal", data=form)
    assert refused.status_code == 422
    assert 'aria-describedby="reason_zh-error"' in refused.text
    assert '<p class="field-error" id="reason_zh-error">请填写冲销原因</p>' in refused.text
    assert not [r for r in fakes.seen if r.method == "POST"]


async def test_settlements_field_refusal_shows_next_to_the_reason_and_keeps_it(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    problem = {
        "title": "数据校验失败",
        "status": 422,
        "code": "validation_failed",
        "errors": [{"field": "body.reason_zh", "code": "string_too_long", "message": "内容过长"}],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(422, json=problem)
        return settlement(request)

    fakes.on["settlement"] = answer
    form = {"csrf_token": await csrf_of(console), "reason_zh": "长" * 10}
    refused = await console.post(f"/statements/{STATEMENT}/payment-reversal", data=form)
    assert refused.status_code == 422
    assert '<p class="field-error" id="reason_zh-error">内容过长</p>' in refused.text
    assert ">" + "长" * 10 + "</textarea>" in refused.text


async def test_the_asker_cannot_approve_and_sees_settlements_chinese_message(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="checker")
    message = "审批支付冲销须由另一名有权限的人员办理，不能由经办人本人完成"

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = {"status": 409, "code": "four_eyes_required", "detail": message}
            return httpx.Response(409, json=body)
        return settlement(request)

    fakes.on["settlement"] = lambda request: (
        answer(request) if request.method == "POST" else pending(request)
    )
    page = await console.get(f"/statements/{STATEMENT}/payment-reversal")
    assert "审批冲销支付</button>" in page.text and "申请冲销支付</button>" not in page.text
    assert "officer-7" in page.text and "银行重复入账" in page.text  # who asked, and why
    form = {"csrf_token": await csrf_of(console)}
    refused = await console.post(f"/statements/{STATEMENT}/payment-reversal/approve", data=form)
    assert refused.status_code == 409 and message in refused.text
    assert "four_eyes_required" in refused.text
    sent = next(r for r in fakes.seen if r.method == "POST")
    assert sent.url.path == f"/statements/{STATEMENT}/payment-reversal/approve"


async def test_an_approved_reversal_goes_back_to_the_page(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="checker")

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"status": "approved"})
        return settlement(request)

    fakes.on["settlement"] = answer
    form = {"csrf_token": await csrf_of(console)}
    done = await console.post(f"/statements/{STATEMENT}/payment-reversal/approve", data=form)
    assert done.headers["location"] == f"/statements/{STATEMENT}/payment-reversal?done=approved"
    assert "冲销支付已审批" in (await console.get(done.headers["location"])).text


async def test_reversal_posts_without_the_csrf_token_are_refused(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    for path in ("/payment-reversal", "/payment-reversal/approve"):
        refused = await console.post(f"/statements/{STATEMENT}{path}", data={"reason_zh": "x"})
        assert refused.status_code == 403
    assert not [r for r in fakes.seen if r.method == "POST"]


async def test_a_paid_statement_links_to_its_reversal(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    page = await console.get(f"/statements/{STATEMENT}")
    assert f'href="/statements/{STATEMENT}/payment-reversal"' in page.text


async def test_approval_is_offered_only_while_a_reversal_is_pending(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["settlement"] = settlement
    none = await console.get(f"/statements/{STATEMENT}/payment-reversal")
    assert "申请冲销支付</button>" in none.text and "审批冲销支付</button>" not in none.text
    fakes.on["settlement"] = pending
    waiting = await console.get(f"/statements/{STATEMENT}/payment-reversal")
    assert "审批冲销支付</button>" in waiting.text and "申请冲销支付</button>" not in waiting.text
    assert 'id="pending-by">officer-7<' in waiting.text
