"""服务对象: the registry's search is review's (by name) or one recipient (by number)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

pytestmark = pytest.mark.unit

RECIPIENT = {
    "recipient_id": "00000000-0000-0000-0000-00000000a001",
    "display_name": "鲜于*琪",
    "category": "dibao",
    "village_code": "341702100201",
    "status": "active",
    "status_effective_date": "2026-11-02",
    "items": [{"item_code": "LC-03"}],
}


def registry(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/recipients":
        return httpx.Response(200, json={"items": [RECIPIENT], "total": 41, "page": 2, "size": 20})
    if request.url.path == f"/recipients/{RECIPIENT['recipient_id']}":
        return httpx.Response(200, json=RECIPIENT)
    return httpx.Response(404, json={"detail": "未找到该服务对象", "code": "recipient_not_found"})


async def test_a_name_is_searched_by_review_across_every_page(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["review"] = registry
    await signer(console, issuer_app)
    page = await console.get("/recipients", params={"q": " 鲜于 ", "status": "active", "page": 2})
    assert page.status_code == 200 and "鲜于*琪" in page.text
    sent = next(r for r in fakes.seen if r.url.path == "/recipients")
    query = {k: v[0] for k, v in parse_qs(urlsplit(str(sent.url)).query).items()}
    assert query == {"name": "鲜于", "status": "active", "page": "2", "size": "20"}
    assert "共 41 人，第 2 / 3 页" in page.text
    # the other pages keep the search and the filters
    assert 'href="/recipients?status=active&amp;q=%E9%B2%9C%E4%BA%8E&amp;page=3"' in page.text


async def test_a_recipient_number_opens_that_recipient_only(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["review"] = registry
    await signer(console, issuer_app)
    page = await console.get("/recipients", params={"q": RECIPIENT["recipient_id"]})
    assert "鲜于*琪" in page.text and "共 1 人" in page.text
    assert [r.url.path for r in fakes.seen if r.url.host != "issuer.test"] == [
        f"/recipients/{RECIPIENT['recipient_id']}"
    ]
    unknown = await console.get("/recipients", params={"q": str(uuid.uuid4())})
    assert "未找到该服务对象" in unknown.text
