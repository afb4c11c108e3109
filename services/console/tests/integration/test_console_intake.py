"""The console against a real intake: sign in through the dev issuer, register, see it listed."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.integration


@contextlib.asynccontextmanager
async def signed_in(stack: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client (cookies kept) signed in as a township officer of 殷汇镇."""
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as client:
        await sign_in(client, stack)
        yield client


async def sign_in(client: httpx.AsyncClient, stack: Any) -> None:
    """Signs in through the development issuer's form, as a browser would."""
    start = await client.get("/auth/login", params={"next": "/applications"})
    authorize = await client.get(start.headers["location"])
    assert "开发环境登录" in authorize.text
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', authorize.text))
    picked = {"user_id": "officer-yh", "name": "殷汇科员", "role": "township_officer"}
    back = await client.post(
        f"{stack.issuer}/authorize", data={**hidden, **picked, "division": "341702100"}
    )
    done = await client.get(back.headers["location"])
    assert done.status_code == 303 and done.headers["location"] == "/applications"


def csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


async def test_a_township_officer_registers_an_application_and_sees_it_listed(
    console_stack: Any,
) -> None:
    async with signed_in(console_stack) as client:
        page = await client.get("/applications")
        assert page.status_code == 200 and "殷汇科员" in page.text
        assert "资金结算服务暂不可用" in page.text  # settlement is away: items typed instead
        form = {
            "csrf_token": csrf(page.text),
            "applicant.name": "周玉兰",
            "applicant.id_number": console_stack.new_id_number(),
            "applicant.phone": "13805660001",
            "village_code": "341702100201",
            "category": "tekun",
            "requested_item_codes": "LC-01, CL-01",
            "consent_to_data_use": "yes",
        }
        done = await client.post("/applications", data=form)
        assert done.status_code == 303, done.text
        created = done.headers["location"].split("created=")[1]
        listed = await client.get(done.headers["location"])
        assert "申请已登记" in listed.text and "周**" in listed.text
        row = listed.text.split('class="fresh"')[1].split("</tr>")[0]
        assert "特困人员" in row and "已提交，待受理" in row
        assert created in listed.text
        filtered = await client.get("/applications", params={"status": "approved"})
        assert "周**" not in filtered.text.split("窗口登记新申请")[0]


async def test_intakes_refusals_show_by_field_in_chinese(console_stack: Any) -> None:
    async with signed_in(console_stack) as client:
        page = await client.get("/applications")
        form = {
            "csrf_token": csrf(page.text),
            "applicant.name": "周玉兰",
            "applicant.id_number": "341702195001010037",  # wrong check character
            "applicant.phone": "123",
            "village_code": "341702100201",
            "category": "tekun",
            "requested_item_codes": "ZZ-99",
        }
        refused = await client.post("/applications", data=form)
        assert refused.status_code == 422
        text = refused.text
        assert "电话号码应为11位手机号或带区号的固定电话" in text
        assert 'aria-describedby="applicant-id_number-error"' in text
        assert 'aria-describedby="consent_to_data_use-error"' in text
        assert "Traceback" not in text and 'value="周玉兰"' in text


async def test_another_township_is_refused_by_intake_not_the_console(console_stack: Any) -> None:
    async with signed_in(console_stack) as client:
        page = await client.get("/applications")
        form = {
            "csrf_token": csrf(page.text),
            "applicant.name": "周玉兰",
            "applicant.id_number": console_stack.new_id_number(),
            "applicant.phone": "13805660002",
            "village_code": "341721100201",  # 东至县: outside 殷汇镇
            "category": "tekun",
            "requested_item_codes": "LC-01",
            "consent_to_data_use": "yes",
        }
        refused = await client.post("/applications", data=form)
        assert refused.status_code in (403, 422), refused.text
        assert "错误代码" in refused.text
        assert urlsplit(str(refused.url)).path == "/applications"
