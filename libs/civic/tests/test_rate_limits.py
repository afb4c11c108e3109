"""Per-client token buckets on public and app routes: 429 with Retry-After, time from the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from civic import clock
from civic.clock import Clock
from civic.rate_limits import APP_RATE_LIMIT, PUBLIC_RATE_LIMIT
from devstack import tokens

from .service_apps import service_app

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("keys")
    tokens.ensure_keys(state)
    return state


def routes() -> list[APIRouter]:
    public = APIRouter(prefix="/boards", dependencies=[PUBLIC_RATE_LIMIT])
    app = APIRouter(prefix="/tasks", dependencies=[APP_RATE_LIMIT])
    unlimited = APIRouter(prefix="/ledger")

    @public.get("")
    @app.get("")
    @unlimited.get("")
    async def page() -> dict[str, str]:
        return {"ok": "yes"}

    return [public, app, unlimited]


def limited_app(keys: Path, per_minute: int = 3, **settings: object) -> FastAPI:
    return service_app(
        keys,
        routes(),
        rate_limit_public_per_minute=per_minute,
        rate_limit_app_per_minute=per_minute,
        **settings,
    )


async def get(
    app: FastAPI,
    path: str,
    *,
    token: str | None = None,
    address: str = "10.1.1.1",
    forwarded_for: str | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        return await c.get(path, headers=headers)


def user(keys: Path, user_id: str) -> str:
    return tokens.mint(keys, user_id=user_id, roles=["coordinator"], division="341702100201")


def assert_limited(got: httpx.Response, retry_after: int) -> None:
    assert got.status_code == 429, got.text
    assert got.headers["retry-after"] == str(retry_after)
    assert got.headers["content-type"] == "application/problem+json"
    body = got.json()
    assert body["status"] == 429 and body["code"] == "rate_limited"
    assert "频繁" in body["title"] and body["extra"] == {"retry_after_s": retry_after}


async def test_the_next_request_past_the_limit_is_429_until_the_clock_moves_on(
    keys: Path,
) -> None:
    app = limited_app(keys)
    first, second = user(keys, "coord-1"), user(keys, "coord-2")
    with clock.using(Clock.fixed(T0)):
        for _ in range(3):
            assert (await get(app, "/tasks", token=first)).status_code == 200
        assert_limited(await get(app, "/tasks", token=first), retry_after=20)
        assert (await get(app, "/tasks", token=second)).status_code == 200
    with clock.using(Clock.fixed(T0 + timedelta(seconds=19))):
        assert_limited(await get(app, "/tasks", token=first), retry_after=1)
    with clock.using(Clock.fixed(T0 + timedelta(seconds=20))):
        assert (await get(app, "/tasks", token=first)).status_code == 200
        assert_limited(await get(app, "/tasks", token=first), retry_after=20)


async def test_a_user_is_one_client_from_any_address(keys: Path) -> None:
    app = limited_app(keys, per_minute=2)
    token = user(keys, "coord-1")
    with clock.using(Clock.fixed(T0)):
        assert (await get(app, "/tasks", token=token, address="10.1.1.1")).status_code == 200
        assert (await get(app, "/tasks", token=token, address="10.2.2.2")).status_code == 200
        assert_limited(await get(app, "/tasks", token=token, address="10.3.3.3"), 30)


async def test_without_a_token_the_client_is_its_address(keys: Path) -> None:
    app = limited_app(keys, per_minute=2)
    with clock.using(Clock.fixed(T0)):
        for _ in range(2):
            assert (await get(app, "/boards", address="10.1.1.1")).status_code == 200
        assert_limited(await get(app, "/boards", address="10.1.1.1"), 30)
        assert (await get(app, "/boards", address="10.9.9.9")).status_code == 200


async def test_a_token_that_does_not_verify_cannot_dodge_its_address_bucket(
    keys: Path, tmp_path: Path
) -> None:
    app = limited_app(keys, per_minute=2)
    with clock.using(Clock.fixed(T0)):
        for n in range(2):
            forged = tokens.mint(tmp_path, user_id=f"made-up-{n}", roles=["coordinator"])
            assert (await get(app, "/boards", token=forged)).status_code == 200
        forged = tokens.mint(tmp_path, user_id="made-up-3", roles=["coordinator"])
        assert_limited(await get(app, "/boards", token=forged), 30)


async def test_each_kind_of_route_has_its_own_bucket_and_other_routes_none(keys: Path) -> None:
    app = limited_app(keys, per_minute=1)
    with clock.using(Clock.fixed(T0)):
        assert (await get(app, "/boards")).status_code == 200
        assert (await get(app, "/tasks")).status_code == 200
        assert_limited(await get(app, "/boards"), 60)
        assert_limited(await get(app, "/tasks"), 60)
        for _ in range(5):
            assert (await get(app, "/ledger")).status_code == 200


async def test_zero_turns_a_limit_off(keys: Path) -> None:
    app = limited_app(keys, per_minute=0)
    with clock.using(Clock.fixed(T0)):
        for _ in range(20):
            assert (await get(app, "/boards")).status_code == 200


async def test_x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    keys: Path,
) -> None:
    app = limited_app(keys, per_minute=1)
    with clock.using(Clock.fixed(T0)):
        assert (await get(app, "/boards", forwarded_for="1.1.1.1")).status_code == 200
        assert_limited(await get(app, "/boards", forwarded_for="2.2.2.2"), 60)


async def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwards(
    keys: Path,
) -> None:
    app = limited_app(keys, per_minute=1, trusted_proxies=["10.0.0.0/8"])
    proxy = "10.0.0.5"
    with clock.using(Clock.fixed(T0)):
        first = await get(app, "/boards", address=proxy, forwarded_for="1.1.1.1")
        assert first.status_code == 200
        other = await get(app, "/boards", address=proxy, forwarded_for="2.2.2.2")
        assert other.status_code == 200
        # What the client wrote itself (left of the proxy's entry) does not make it new.
        again = await get(app, "/boards", address=proxy, forwarded_for="9.9.9.9, 1.1.1.1")
        assert_limited(again, 60)
