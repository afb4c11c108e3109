"""The console wired to the development issuer and fake services, all in-process (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet

from console.main import create_app
from console.settings import DEV_CLIENT_SECRET, Settings
from devstack import oidc_issuer

ISSUER = "http://issuer.test"
CONSOLE = "http://console.test"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Local settings pointing at the in-process issuer."""
    return Settings(
        environment="local",
        oidc_issuer=ISSUER,
        oidc_redirect_url=f"{CONSOLE}/auth/callback",
        session_key=Fernet.generate_key().decode(),
        state_dir=tmp_path,
    )


@pytest.fixture
def issuer_app(tmp_path: Path) -> Any:
    """The development issuer, serving the console as its one client."""
    client = oidc_issuer.Client("console", DEV_CLIENT_SECRET, (f"{CONSOLE}/auth/callback",))
    return oidc_issuer.create_app(
        state_dir=tmp_path, url=ISSUER, client=client, environment="local"
    )


class Fakes:
    """Per-service fake answers: ``fakes.on["intake"] = handler``; unset ones are down."""

    def __init__(self) -> None:
        self.on: dict[str, Handler] = {}
        self.seen: list[httpx.Request] = []

    def transport(self, service: str) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.seen.append(request)
            if service not in self.on:
                raise httpx.ConnectError("refused", request=request)
            return self.on[service](request)

        return httpx.MockTransport(handle)


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@asynccontextmanager
async def console_of(
    settings: Settings, issuer_app: Any, fakes: Fakes
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client of a console built with ``settings`` (cookies kept), services faked."""
    services = ("intake", "survey", "review", "dispatch", "settlement", "archive")
    app = create_app(
        settings,
        transports={s: fakes.transport(s) for s in services},
        issuer_transport=httpx.ASGITransport(app=issuer_app),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=CONSOLE) as client:
        yield client


@pytest.fixture
async def console(
    settings: Settings, issuer_app: Any, fakes: Fakes
) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client of the console (cookies kept), services faked."""
    async with console_of(settings, issuer_app, fakes) as client:
        yield client


@pytest.fixture
def console_with() -> Callable[..., Any]:
    """Builds a console with other settings: ``async with console_with(s, issuer, fakes)``."""
    return console_of


async def sign_in(
    console: httpx.AsyncClient,
    issuer_app: Any,
    role: str = "township_officer",
    division: str = "341702100",
    next_path: str = "/",
) -> httpx.Response:
    """Signs in through the dev issuer's form; returns the callback's answer."""
    start = await console.get("/auth/login", params={"next": next_path})
    assert start.status_code == 303, start.text
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
    form = {**query, "user_id": "officer-7", "name": "王科员", "role": role, "division": division}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=issuer_app), base_url=ISSUER
    ) as issuer:
        back = await issuer.post("/authorize", data=form)
    assert back.status_code == 303, back.text
    callback = urlsplit(back.headers["location"])
    return await console.get(f"{callback.path}?{callback.query}")


@pytest.fixture
def signer() -> Callable[..., Any]:
    return sign_in
