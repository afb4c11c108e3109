"""A real intake, the development issuer and the console, each served by uvicorn on a free port."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from console.main import create_app as create_console
from console.settings import DEV_CLIENT_SECRET, Settings
from contracts import resident_id
from contracts.samples import sample_catalogue
from devstack import oidc_issuer, procs
from devstack.infra import Infra
from intake.main import create_app as create_intake
from intake.orm import catalogue_version
from intake.settings import Settings as IntakeSettings

TOWNSHIP = "341702100"  # 贵池区殷汇镇, whose demo villages intake knows
CHROMIUM = Path("/usr/bin/chromium")


def new_id_number() -> str:
    """A valid, random 贵池区 ID number of someone born 1935-1963."""
    day = date(random.randint(1935, 1963), random.randint(1, 12), random.randint(1, 28))
    body = f"341702{day:%Y%m%d}{random.randint(0, 999):03d}"
    return body + resident_id.check_char(body)


def serve(app: Any, port: int, name: str) -> Callable[[], None]:
    """Serves ``app`` with uvicorn in a thread; returns the function that stops it."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"{name}-uvicorn", daemon=True)
    thread.start()
    for _ in range(900):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.1)
    assert server.started, f"uvicorn did not start {name}"

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)

    return stop


@dataclass
class Console:
    """Where the three servers listen."""

    url: str
    issuer: str
    intake: str

    @staticmethod
    def new_id_number() -> str:
        """A fresh valid ID number (test modules cannot import this conftest)."""
        return new_id_number()


async def _catalogue_in_force(infra: Infra, database_url: str) -> None:
    producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        event = sample_catalogue("341702", fee_fen=2000)
        await producer.send_and_wait(
            type(event).TOPIC, event.to_json_bytes(), key=event.subject_key.encode()
        )
    finally:
        await producer.stop()
    engine = create_async_engine(database_url)
    c = catalogue_version.c
    try:
        async with asyncio.timeout(90):
            while True:
                async with engine.connect() as conn:
                    query = select(func.count()).where(c.county_code == "341702")
                    if (await conn.execute(query.select_from(catalogue_version))).scalar_one():
                        return
                await asyncio.sleep(0.3)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def console_stack(
    infra: Infra,
    service_env: Callable[..., dict[str, Any]],
    key_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Console]:
    """intake (real, with a catalogue in force), the dev issuer and the console."""
    intake_env = service_env("intake")
    ports = {name: procs.free_port() for name in ("intake", "issuer", "console", "closed")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    stops = [serve(create_intake(IntakeSettings(**intake_env)), ports["intake"], "intake")]
    try:
        await _catalogue_in_force(infra, intake_env["database_url"])
        client = oidc_issuer.Client(
            "console", DEV_CLIENT_SECRET, (f"{urls['console']}/auth/callback",)
        )
        issuer = oidc_issuer.create_app(
            state_dir=key_dir, url=urls["issuer"], client=client, environment="local"
        )
        stops.append(serve(issuer, ports["issuer"], "issuer"))
        # Only intake runs: the other five answer nothing, as if they were down.
        away = {f"{s}_url": urls["closed"] for s in ("survey", "review", "dispatch")}
        settings = Settings(
            environment="local",
            oidc_issuer=urls["issuer"],
            oidc_redirect_url=f"{urls['console']}/auth/callback",
            intake_url=urls["intake"],
            settlement_url=urls["closed"],
            archive_url=urls["closed"],
            state_dir=tmp_path_factory.mktemp("console-state"),
            **away,
        )
        stops.append(serve(create_console(settings), ports["console"], "console"))
        yield Console(urls["console"], urls["issuer"], urls["intake"])
    finally:
        for stop in reversed(stops):
            stop()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; the test fails (never skips) without it."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/ensure-chromium.sh")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def screenshots(repo_root: Path) -> Path:
    """docs/console/, where the test run saves each screen."""
    folder = repo_root / "docs" / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
