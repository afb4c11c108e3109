"""Request bodies are limited in size before any route, or any check of the token, reads them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request

from civic.security import PrincipalDep
from devstack import tokens

from .service_apps import service_app

pytestmark = pytest.mark.unit

MiB = 1024 * 1024
CHUNK = 64 * 1024
THREE_GB = 3 * 1024 * MiB
#: Far past any limit here: a test stops its generator there rather than send 3 GB for real.
FAR_PAST = 32 * MiB


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("keys")
    tokens.ensure_keys(state)
    return state


def routes() -> APIRouter:
    router = APIRouter()

    @router.post("/notes")
    async def note(body: dict[str, Any], who: PrincipalDep) -> dict[str, Any]:
        return {"user": who.user_id, "size": len(body.get("text", ""))}

    @router.post("/scans")
    async def scan(request: Request, who: PrincipalDep) -> dict[str, int]:
        return {"size": len(await request.body())}

    return router


class Huge:
    """A streamed (chunked) body of 64 KiB chunks up to 3 GB that counts what was read."""

    def __init__(self, total: int = THREE_GB) -> None:
        self.total = total
        self.yielded = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.yielded < self.total:
            if self.yielded >= FAR_PAST:
                raise RuntimeError(f"the app read {self.yielded} bytes, far past the limit")
            self.yielded += CHUNK
            yield b"x" * CHUNK


async def post(app: FastAPI, path: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.post(path, **kwargs)


def bearer(keys: Path) -> dict[str, str]:
    token = tokens.mint(keys, user_id="u1", roles=["village_staff"], division="341702100201")
    return {"Authorization": f"Bearer {token}"}


def assert_too_large(got: httpx.Response, limit: int) -> None:
    assert got.status_code == 413, got.text
    assert got.headers["content-type"] == "application/problem+json"
    assert got.headers["connection"] == "close"  # the rest of the body is not read off the wire
    body = got.json()
    assert body["status"] == 413 and body["code"] == "body_too_large"
    assert "过大" in body["title"] and body["extra"] == {"max_bytes": limit}
    assert body["errors"][0]["field"] == "body"


async def test_an_unauthenticated_3_gb_stream_is_413_after_reading_about_the_limit(
    keys: Path,
) -> None:
    app = service_app(keys, [routes()])
    huge = Huge()
    got = await post(app, "/notes", content=huge, headers={"Content-Type": "application/json"})
    assert_too_large(got, MiB)
    assert MiB < huge.yielded <= MiB + CHUNK


async def test_a_declared_length_over_the_limit_is_413_before_a_byte_is_read(
    keys: Path,
) -> None:
    app = service_app(keys, [routes()])
    huge = Huge()
    headers = {"Content-Length": str(THREE_GB), "Content-Type": "application/json"}
    got = await post(app, "/notes", content=huge, headers=headers)
    assert_too_large(got, MiB)
    assert huge.yielded == 0


async def test_a_declared_length_over_the_limit_is_413_on_any_path(keys: Path) -> None:
    app = service_app(keys, [routes()])
    got = await post(app, "/nowhere", content=b"x" * (MiB + 1))
    assert_too_large(got, MiB)


async def test_a_body_under_the_limit_reaches_the_route(keys: Path) -> None:
    app = service_app(keys, [routes()])
    got = await post(app, "/notes", json={"text": "x" * (MiB - 100)}, headers=bearer(keys))
    assert got.status_code == 200, got.text
    assert got.json() == {"user": "u1", "size": MiB - 100}


async def test_a_streamed_body_under_the_limit_reaches_the_route(keys: Path) -> None:
    app = service_app(keys, [routes()])
    got = await post(app, "/scans", content=Huge(total=4 * CHUNK), headers=bearer(keys))
    assert got.status_code == 200, got.text
    assert got.json() == {"size": 4 * CHUNK}


async def test_the_limit_is_a_setting(keys: Path) -> None:
    app = service_app(keys, [routes()], http_body_max_bytes=2 * CHUNK)
    huge = Huge()
    got = await post(app, "/notes", content=huge, headers={"Content-Type": "application/json"})
    assert_too_large(got, 2 * CHUNK)
    assert huge.yielded == 3 * CHUNK


async def test_a_route_given_a_larger_limit_reads_more_and_others_do_not(keys: Path) -> None:
    app = service_app(keys, [routes()], body_limits={"/scans": 4 * MiB})
    body = b"x" * (2 * MiB)
    scanned = await post(app, "/scans", content=body, headers=bearer(keys))
    assert scanned.status_code == 200 and scanned.json() == {"size": 2 * MiB}
    assert_too_large(await post(app, "/notes", content=body, headers=bearer(keys)), MiB)
    huge = Huge()
    assert_too_large(await post(app, "/scans", content=huge, headers=bearer(keys)), 4 * MiB)
    assert 4 * MiB < huge.yielded <= 4 * MiB + CHUNK


async def test_an_unauthenticated_body_under_the_limit_is_still_401(keys: Path) -> None:
    app = service_app(keys, [routes()])
    got = await post(app, "/notes", json={"text": "x" * 1000})
    assert got.status_code == 401 and got.json()["code"] == "token_missing"


async def test_every_answer_names_its_trace_and_is_counted_even_a_refusal(keys: Path) -> None:
    app = service_app(keys, [routes()])
    refused = await post(app, "/notes", content=b"{}", headers={"Content-Type": "application/json"})
    assert refused.status_code == 401  # no token: a refusal still carries both
    trace_id = refused.headers["X-Trace-Id"]
    assert len(trace_id) == 32 and int(trace_id, 16) != 0
    metrics = app.state.runtime.metrics
    counted = metrics.http_requests.labels("POST", "/notes", "401")._value.get()
    assert counted == 1
