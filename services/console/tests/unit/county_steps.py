"""What the county screens' tests share: the county, ids, a fake settlement, signing in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

COUNTY = "341702"
CHECK = "5f0c6d1e-0000-4000-8000-000000000001"
PROVIDER = "9a9a9a9a-0000-4000-8000-000000000002"
PROBLEM_422 = {"title": "数据校验失败", "status": 422, "code": "validation_failed"}


def answering(routes: dict[tuple[str, str], Any]) -> Callable[[httpx.Request], httpx.Response]:
    """A fake settlement answering (method, path) with JSON (or a (status, JSON) pair)."""

    def handle(request: httpx.Request) -> httpx.Response:
        found = routes.get((request.method, request.url.path))
        if found is None:
            return httpx.Response(404, json={"title": "未找到", "code": "not_found"})
        status, body = found if isinstance(found, tuple) else (200, found)
        return httpx.Response(status, json=body)

    return handle


async def county_officer(console: httpx.AsyncClient, issuer_app: Any, signer: Any) -> None:
    """Signs in a county officer of 贵池区."""
    await signer(console, issuer_app, role="county_officer", division=COUNTY)


async def csrf_of(console: httpx.AsyncClient, path: str) -> str:
    text = (await console.get(path)).text
    return text.split('name="csrf_token" value="')[1].split('"')[0]


def posted(fakes: Any) -> list[httpx.Request]:
    return [r for r in fakes.seen if r.method == "POST"]
