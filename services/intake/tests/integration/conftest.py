"""intake running in-process against the session's Kafka and PostgreSQL, with helpers."""

from __future__ import annotations

import asyncio
import copy
import json
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from types import UnionType
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.bus.access import KafkaAccess
from contracts import resident_id, topics
from contracts.envelope import Event
from contracts.registry import parse
from contracts.samples import sample_catalogue
from devstack import procs
from devstack.infra import Infra
from devstack.journeys import city
from devstack.pytest_plugin import running_app
from intake.main import create_app
from intake.orm import catalogue_version
from intake.schemas.examples import APPLICATION
from intake.settings import Settings

T = TypeVar("T")
E = TypeVar("E", bound=Event)


def new_id_number(born: date | None = None) -> str:
    """A valid, random 贵池区 ID number (random birth date and sequence unless given)."""
    day = born or date(random.randint(1935, 1963), random.randint(1, 12), random.randint(1, 28))
    body = f"341702{day:%Y%m%d}{random.randint(0, 999):03d}"
    return body + resident_id.check_char(body)


async def eventually(probe: Callable[[], Awaitable[T | None]], timeout: float = 60) -> T:
    """Polls until the probe returns something (waits for asynchronous consumers)."""
    async with asyncio.timeout(timeout):
        while True:
            found = await probe()
            if found:
                return found
            await asyncio.sleep(0.2)


@dataclass
class Intake:
    client: httpx.AsyncClient
    db: async_sessionmaker[AsyncSession]
    bootstrap: KafkaAccess
    mint: Callable[..., str]
    city_key: bytes  # the stand-in city system's signing key (intake holds its public half)
    inbound_key: bytes  # intake's inbound public key: the city seals ID numbers to it
    app: Any = None  # the app itself (a test may serve it on ``receipts_port`` too)
    receipts_port: int = 0  # where gateways post message receipts (MESSAGE_CALLBACK_BASE_URL)

    def auth(
        self, roles: list[str], division: str | None = None, user_id: str | None = None
    ) -> dict[str, str]:
        token = self.mint(
            roles=roles, division=division, user_id=user_id or f"u-{uuid.uuid4().hex[:8]}"
        )
        return {"Authorization": f"Bearer {token}"}

    async def count(self, table: Any, *where: Any) -> int:
        async with self.db() as s:
            return int(
                (
                    await s.execute(select(func.count()).select_from(table).where(*where))
                ).scalar_one()
            )

    async def publish(self, *events: Event) -> None:
        """Publishes each event on its topic; a city report signed as the city system signs."""
        for event in events:
            value = event.to_json_bytes()
            signed = type(event).TOPIC == topics.ASSISTANCE_STATUS_INBOUND
            headers = [(city.KAFKA_HEADER, city.sign(value, self.city_key).encode())]
            await self.send_raw(
                type(event).TOPIC, value, event.subject_key, headers if signed else []
            )

    async def send_raw(
        self, topic: str, value: bytes, key: str, headers: list[tuple[str, bytes]]
    ) -> None:
        """Writes one record exactly as given (no signature unless in ``headers``)."""
        producer = AIOKafkaProducer(
            **self.bootstrap.aiokafka(), acks="all", enable_idempotence=True
        )
        await producer.start()
        try:
            await producer.send_and_wait(topic, value, key=key.encode(), headers=headers)
        finally:
            await producer.stop()

    async def post_report(
        self, body: dict[str, Any], headers: dict[str, str], *, signed: bool = True
    ) -> httpx.Response:
        """POSTs a report to the inbound route; its exact bytes signed unless ``signed=False``."""
        content = json.dumps(body, ensure_ascii=False).encode()
        sig = city.http_headers(content, self.city_key) if signed else {}
        return await self.client.post(
            "/inbound/assistance-status",
            content=content,
            headers={"Content-Type": "application/json", **sig, **headers},
        )

    async def read(
        self, topic: str, match: Callable[[Event], bool], count: int = 1, timeout: float = 60
    ) -> list[tuple[Event, Any]]:
        """Reads ``topic`` from the start with a plain consumer until ``count`` events match."""
        consumer = AIOKafkaConsumer(
            topic, **self.bootstrap.aiokafka(), group_id=None, auto_offset_reset="earliest"
        )
        await consumer.start()
        found: list[tuple[Event, Any]] = []
        try:
            async with asyncio.timeout(timeout):
                while len(found) < count:
                    batch = await consumer.getmany(timeout_ms=500)
                    for records in batch.values():
                        for record in records:
                            event = parse(topic, record.value)
                            if match(event):
                                found.append((event, record))
        finally:
            await consumer.stop()
        return found

    async def application_events(
        self, kinds: type[Event] | UnionType, application_id: Any, count: int = 1
    ) -> list[tuple[Event, Any]]:
        """The application's events of ``kinds`` on intake's topic, once ``count`` have shown."""

        def match(event: Event) -> bool:
            of_app = str(getattr(event, "application_id", None)) == str(application_id)
            return isinstance(event, kinds) and of_app

        return await self.read(topics.INTAKE_APPLICATIONS, match, count=count)

    # Test modules cannot import this conftest (importlib mode): helpers travel on the fixture.
    new_id_number = staticmethod(new_id_number)
    eventually = staticmethod(eventually)
    catalogue = staticmethod(sample_catalogue)

    @staticmethod
    def body(**overrides: Any) -> dict[str, Any]:
        """The documented WeChat application (殷汇镇示例一村), for a new person."""
        values: dict[str, Any] = copy.deepcopy(APPLICATION["wechat"]["value"])
        values["applicant"]["id_number"] = new_id_number()
        return {**values, **overrides}

    async def apply(
        self, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """POST /applications, as the WeChat app unless ``headers`` say otherwise; any answer."""
        sent = headers if headers is not None else self.auth(["applicant_app"])
        return await self.client.post("/applications", json=body or self.body(), headers=sent)

    async def submit(self, body: dict[str, Any] | None = None, **auth: Any) -> dict[str, Any]:
        """Submits through the WeChat app (or as ``auth``) and returns the 201 body."""
        headers = self.auth(**auth) if auth else self.auth(["applicant_app"])
        response = await self.apply(body, headers)
        assert response.status_code == 201, response.text
        return {**response.json(), "_headers": headers}

    async def wait_catalogue(self, county: str, version: int) -> None:
        c = catalogue_version.c
        await eventually(
            lambda: self.count(catalogue_version, c.county_code == county, c.version == version)
        )

    async def status_of(self, application_id: str, headers: dict[str, str]) -> str:
        response = await self.client.get(f"/applications/{application_id}", headers=headers)
        assert response.status_code == 200, response.text
        return str(response.json()["status"]["code"])

    async def wait_status(
        self, application_id: str, status: str, headers: dict[str, str]
    ) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            response = await self.client.get(f"/applications/{application_id}", headers=headers)
            body: dict[str, Any] = response.json()
            return body if body["status"]["code"] == status else None

        return await eventually(probe)


@pytest.fixture(scope="session")
async def intake(
    infra: Infra, service_env: Callable[..., dict[str, Any]], mint_token: Callable[..., str]
) -> AsyncIterator[Intake]:
    """intake with its consumers running, and a demo catalogue in force for 贵池区 and 东至县."""
    port = procs.free_port()
    messages = {  # the sender quick, and no default quiet hours (tests run at any hour)
        "message_poll_s": 0.1,
        "message_backoff_s": 0.2,
        "message_max_attempts": 3,
        "message_callback_base_url": f"http://127.0.0.1:{port}",
        "message_quiet_start": None,
        "message_quiet_end": None,
    }
    app = create_app(Settings(**service_env("intake", **messages)))
    async with running_app(app) as client:
        ctx = Intake(
            client,
            app.state.runtime.sessionmaker,
            infra.kafka,
            mint_token,
            city.signing_key(infra.secrets_dir),
            city.inbound_key(infra.secrets_dir),
            app,
            port,
        )
        await ctx.publish(
            sample_catalogue("341702", fee_fen=2000),
            sample_catalogue("341721", fee_fen=2000),
        )
        await ctx.wait_catalogue("341702", 1)
        await ctx.wait_catalogue("341721", 1)
        yield ctx
