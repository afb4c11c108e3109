"""Sign-in, sessions, CSRF and how the services' answers show on the page (all in-process)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from console.session import SESSION_COOKIE

pytestmark = pytest.mark.unit

APPS = {
    "items": [
        {
            "application_id": "a1b2",
            "display_name": "张**",
            "id_number_masked": "3417**********0036",
            "category": {"code": "tekun", "label_zh": "特困人员"},
            "channel": {"code": "window", "label_zh": "乡镇(街道)窗口"},
            "status": {"code": "submitted", "label_zh": "已提交，待受理"},
            "village_name_zh": "贵池区殷汇镇示例一村",
            "submitted_at": "2026-12-01T09:30:00+08:00",
            "needs_verification": False,
        }
    ],
    "total": 41,
    "page": 1,
    "size": 20,
}


def listed(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=APPS)


async def test_sign_in_through_the_dev_issuer_starts_a_sealed_session(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["intake"] = listed
    done = await signer(console, issuer_app, next_path="/applications")
    assert done.status_code == 303 and done.headers["location"] == "/applications"
    cookie = done.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "王科员" not in cookie and "officer-7" not in cookie  # sealed, not readable
    page = await console.get("/applications")
    assert page.status_code == 200
    assert "王科员" in page.text and "乡镇(街道)工作人员" in page.text
    assert "贵池区殷汇镇" in page.text  # the division, by name
    assert "张**" in page.text and "共 41 条" in page.text
    for label in ("申请登记", "审核", "服务对象", "工单", "结算", "档案", "仪表盘"):
        assert f">{label}</a>" in page.text
    assert "服务机构" not in page.text  # a county screen
    sent = fakes.seen[0]
    assert sent.headers["authorization"].startswith("Bearer ey")
    assert sent.url.params["size"] == "20"


async def test_county_officer_gets_the_county_navigation(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any
) -> None:
    await signer(console, issuer_app, role="county_officer", division="341702")
    home = await console.get("/")
    assert (home.status_code, home.headers["location"]) == (303, "/providers")  # its first screen
    screen = await console.get("/funds")  # settlement is down: the page and its menu still show
    for label in ("服务机构", "目录与收费", "资金", "结算", "抽查", "绩效评价", "档案", "仪表盘"):
        assert f">{label}</a>" in screen.text
    assert ">申请登记</a>" not in screen.text


async def test_without_a_session_pages_send_you_to_sign_in(console: httpx.AsyncClient) -> None:
    answer = await console.get("/applications?status=submitted")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/login?next=%2Fapplications%3Fstatus%3Dsubmitted"
    htmx = await console.get("/applications", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/auth/login")


async def test_a_forged_cookie_is_no_session(console: httpx.AsyncClient) -> None:
    console.cookies.set(SESSION_COOKIE, "gAAAAAforged")
    assert (await console.get("/applications")).status_code == 303


async def test_the_callback_refuses_a_wrong_state(
    console: httpx.AsyncClient, issuer_app: Any
) -> None:
    start = await console.get("/auth/login")
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    answer = await console.get("/auth/callback", params={"code": "x", "state": "other"})
    assert answer.status_code == 400 and "登录请求不匹配" in answer.text


async def test_only_a_safe_next_path_is_followed(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any
) -> None:
    done = await signer(console, issuer_app, next_path="//evil.example/")
    assert done.headers["location"] == "/"


async def test_a_post_without_the_csrf_token_is_refused_in_chinese(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["intake"] = listed
    refused = await console.post("/applications", data={"applicant.name": "张三"})
    assert refused.status_code == 403 and "安全校验码" in refused.text
    wrong = await console.post("/applications", data={"csrf_token": "guess"})
    assert wrong.status_code == 403
    logout = await console.post("/auth/logout")
    assert logout.status_code == 403
    assert not [r for r in fakes.seen if r.method == "POST"]  # nothing reached intake


async def test_sign_out_with_the_token_clears_the_session(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["intake"] = listed
    page = await console.get("/applications")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    out = await console.post("/auth/logout", headers={"X-CSRF-Token": token})
    assert out.status_code == 303 and out.headers["location"] == "/signed-out"
    assert (await console.get("/applications")).status_code == 303


async def csrf_of(console: httpx.AsyncClient) -> str:
    page = await console.get("/applications")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def test_a_refusal_shows_each_field_in_chinese_and_keeps_the_input(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    problem = {
        "type": "urn:chizhou-assistance:problem:validation_failed",
        "title": "数据校验失败",
        "status": 422,
        "code": "validation_failed",
        "errors": [
            {
                "field": "body.applicant.id_number",
                "code": "bad_check_char",
                "message": "校验码错误",
            },
            {"field": "body.requested_item_codes.0", "code": "unknown_item", "message": "未知项目"},
        ],
    }

    def intake(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(422, json=problem)
        return listed(request)

    fakes.on["intake"] = intake
    form = {
        "csrf_token": await csrf_of(console),
        "applicant.name": "张桂英",
        "applicant.id_number": "341702195001010037",
        "applicant.phone": "13805661234",
        "category": "tekun",
        "requested_item_codes": "lc-01, ZZ-9",
        "village_code": "341702100201",
        "consent_to_data_use": "yes",
    }
    answer = await console.post("/applications", data=form)
    assert answer.status_code == 422
    assert "校验码错误" in answer.text and "未知项目" in answer.text
    assert 'aria-invalid="true" aria-describedby="applicant-id_number-error"' in answer.text
    assert 'value="张桂英"' in answer.text and "Traceback" not in answer.text
    sent = json.loads(next(r for r in fakes.seen if r.method == "POST").content)
    assert sent["channel"] == "window" and sent["requested_item_codes"] == ["LC-01", "ZZ-9"]
    assert sent["consent_to_data_use"] is True


async def test_a_registered_application_goes_back_to_the_list(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    keys: list[str] = []

    def intake(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            keys.append(request.headers["Idempotency-Key"])
            return httpx.Response(201, json={"application_id": "a1b2"})
        return listed(request)

    fakes.on["intake"] = intake
    form = {"csrf_token": await csrf_of(console), "applicant.name": "张桂英"}
    answer = await console.post("/applications", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/applications?created=a1b2"
    shown = await console.get(answer.headers["location"])
    assert "申请已登记" in shown.text and 'class="fresh"' in shown.text
    assert keys and keys[0]


async def test_a_service_that_is_down_shows_where_it_matters_and_the_rest_works(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)  # intake and settlement unset: connection refused
    page = await console.get("/applications")
    assert page.status_code == 200
    assert "申请受理服务暂不可用" in page.text  # the list
    assert "资金结算服务暂不可用" in page.text  # the items of the form
    assert "窗口登记新申请" in page.text and 'name="requested_item_codes"' in page.text

    fakes.on["intake"] = lambda r: httpx.Response(500, text="Traceback (most recent call last)")
    page = await console.get("/applications")
    assert "申请受理服务暂不可用" in page.text and "Traceback" not in page.text


async def test_the_catalogue_gives_checkboxes_when_settlement_answers(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["intake"] = listed
    items = [{"item_code": "LC-01", "name_zh": "居家照料"}]
    fakes.on["settlement"] = lambda r: httpx.Response(200, json={"items": items})
    page = await console.get("/applications")
    assert 'value="LC-01"> 居家照料（LC-01）' in page.text
    assert any(r.url.path == "/catalogue/341702" for r in fakes.seen)


async def test_a_token_the_service_refuses_sends_you_to_sign_in(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["intake"] = lambda r: httpx.Response(401, json={"code": "token_expired"})
    answer = await console.get("/applications")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/login")


async def test_a_bad_link_or_an_unknown_page_reads_in_chinese(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any
) -> None:
    await signer(console, issuer_app)
    bad = await console.get("/orders", params={"page": "zero"})
    assert bad.status_code == 422 and "参数有误（page）" in bad.text
    assert "text/html" in bad.headers["content-type"]
    missing = await console.get("/no-such-screen")
    assert missing.status_code == 404 and "没有这个页面" in missing.text
