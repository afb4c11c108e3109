"""Fixtures of review's integration tests: the app in-process on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contracts import topics
from contracts.envelope import Event
from contracts.registry import parse
from devstack.infra import Infra
from devstack.pytest_plugin import running_app
from review.main import create_app
from review.orm import recipient_status_history
from review.settings import Settings

TOWNSHIP = "341702100"
OTHER_TOWNSHIP = "341702101"
WAIT_S = 60


@dataclass
class Review:
    """What a test needs to talk to the running review service and the broker."""

    client: httpx.AsyncClient
    engine: AsyncEngine
    producer: AIOKafkaProducer
    infra: Infra
    mint: Callable[..., str]

    def auth(self, role: str = "township_officer", division: str = TOWNSHIP) -> dict[str, str]:
        """Authorization header for a user with one role and jurisdiction."""
        token = self.mint(user_id=f"u-{role}-{division}", roles=[role], division=division)
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, *events: Event) -> None:
        """Publishes events on their topics with a plain producer, keyed like the outbox."""
        for event in events:
            key = event.subject_key.encode()
            await self.producer.send_and_wait(event.TOPIC, event.to_json_bytes(), key=key)

    async def until(self, probe: Callable[[], Awaitable[Any]]) -> Any:
        """Polls ``probe`` until it returns something truthy (fails after WAIT_S)."""
        async with asyncio.timeout(WAIT_S):
            while True:
                if found := await probe():
                    return found
                await asyncio.sleep(0.1)

    async def case(self, application_id: uuid.UUID, **auth: str) -> httpx.Response:
        """GET /review-queue/{application_id}."""
        return await self.client.get(f"/review-queue/{application_id}", headers=self.auth(**auth))

    async def ready_case(
        self,
        application_id: uuid.UUID,
        status: str = "awaiting_decision",
        division: str = TOWNSHIP,
        having: str | None = None,
    ) -> Any:
        """Waits until the case is visible to its officer with ``status`` (and ``having`` set).

        Events about one case arrive on several topics and are applied concurrently, so a
        status alone does not say that every published event has been applied yet.
        """

        async def probe() -> Any:
            got = await self.case(application_id, division=division)
            if got.status_code != 200 or got.json()["status"] != status:
                return None
            return got.json() if having is None or got.json().get(having) is not None else None

        return await self.until(probe)

    async def file(self, s: Any, *events: Event, **wait: Any) -> Any:
        """Publishes a story's events and waits until its case is ready (``wait`` as in
        ``ready_case``)."""
        await self.publish(*events)
        return await self.ready_case(s.application_id, **wait)

    async def decide(
        self, application_id: uuid.UUID, body: dict[str, Any], **headers: str
    ) -> httpx.Response:
        """POST /applications/{application_id}/decision as the township's officer."""
        auth = self.auth(division=headers.pop("division", TOWNSHIP))
        return await self.client.post(
            f"/applications/{application_id}/decision", json=body, headers={**auth, **headers}
        )

    async def status_events(
        self, recipient_id: uuid.UUID, until_version: int
    ) -> list[tuple[Event, bytes | None]]:
        """The recipient's status changes on their topic, with keys, once ``until_version`` shows."""
        return await self._read(
            topics.REVIEW_RECIPIENT_STATUS,
            keep=lambda event: getattr(event, "recipient_id", None) == recipient_id,
            enough=lambda found: any(getattr(e, "version", 0) >= until_version for e, _ in found),
        )

    async def decision_event(self, application_id: uuid.UUID) -> Event:
        """Reads review.decisions.v1 from the start with a plain consumer until the event shows."""
        found = await self._read(
            topics.REVIEW_DECISIONS,
            keep=lambda event: getattr(event, "application_id", None) == application_id,
            enough=bool,
        )
        return found[0][0]

    async def _read(
        self,
        topic: str,
        keep: Callable[[Event], bool],
        enough: Callable[[list[tuple[Event, bytes | None]]], bool],
    ) -> list[tuple[Event, bytes | None]]:
        """Reads ``topic`` from the start, collecting the kept events with keys until ``enough``."""
        consumer = AIOKafkaConsumer(
            topic,
            **self.infra.kafka.aiokafka(),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: list[tuple[Event, bytes | None]] = []
        try:
            async with asyncio.timeout(WAIT_S):
                while not enough(found):
                    batches = await consumer.getmany(timeout_ms=500)
                    for record in (r for rs in batches.values() for r in rs):
                        event = parse(record.topic, record.value)
                        if keep(event):
                            found.append((event, record.key))
        finally:
            await consumer.stop()
        return found

    async def recipient(self, s: Any) -> dict[str, Any]:
        """GET /recipients/{recipient_id} of an admitted story, as its township's officer."""
        headers = self.auth(division=s.township_code)
        got = await self.client.get(f"/recipients/{s.recipient_id}", headers=headers)
        body: dict[str, Any] = got.json()
        return body

    async def decide_city_report(
        self, report_id: str, verb: str, who: dict[str, str] | None = None, **kw: Any
    ) -> httpx.Response:
        """POST /city-reports/{report_id}/{verb} (confirm or reject), as ``who`` (the township's
        officer by default)."""
        return await self.client.post(
            f"/city-reports/{report_id}/{verb}", headers=self.auth(**(who or {})), **kw
        )

    async def history(self, recipient_id: uuid.UUID, *more: str) -> list[tuple[Any, ...]]:
        """The recipient's status history, oldest first: version, status, source and ``more``."""
        h = recipient_status_history.c
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                select(h.version, h.status, h.source, *(h[name] for name in more))
                .where(h.recipient_id == recipient_id)
                .order_by(h.version)
            )
            return [tuple(r) for r in rows]


def approve_body(**overrides: Any) -> dict[str, Any]:
    """An approval of meal delivery daily and cleaning twice a month."""
    body: dict[str, Any] = {
        "decision": "approve",
        "need_assessment": {
            "self_care_level": "moderate",
            "need_categories": ["life_care", "cleaning"],
            "notes": "独居，行动不便",
        },
        "items": [
            {
                "item_code": "LC-03",
                "mode": "government_purchase",
                "frequency": {"times": 1, "per": "day"},
                "funding_source": "home_elderly_care",
            },
            {
                "item_code": "CL-01",
                "mode": "neighbour_mutual_aid",
                "frequency": {"times": 2, "per": "month"},
                "funding_source": "other_service_aid",
            },
        ],
        "effective_date": "2024-06-01",
    }
    return {**body, **overrides}


@pytest.fixture(scope="module")
async def review(
    infra: Infra,
    service_env: Callable[..., dict[str, Any]],
    mint_token: Callable[..., str],
) -> AsyncIterator[Review]:
    """The review app running in-process, a producer and the service's database."""
    settings = Settings(**service_env("review"))
    engine = create_async_engine(settings.database_url)
    producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all")
    await producer.start()
    try:
        async with running_app(create_app(settings)) as client:
            yield Review(client, engine, producer, infra, mint_token)
    finally:
        await producer.stop()
        await engine.dispose()


@pytest.fixture
def approval() -> Callable[..., dict[str, Any]]:
    """Builds an approval body: ``approval(effective_date="2025-02-01")``."""
    return approve_body


@pytest.fixture
def admitted(review: Review, story: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Makes a recipient through the issue-3 path (catalogue, registration, survey, approval
    effective 2024-06-01): ``s = await admitted(village_code)``, with ``s.recipient_id`` set."""

    async def admit(village_code: str = "341702100201") -> Any:
        s = story(village_code=village_code)
        events = (s.catalogue(), s.registered(), s.completed(), s.passed())
        await review.file(s, *events, division=s.township_code)
        decided = await review.decide(s.application_id, approve_body(), division=s.township_code)
        assert decided.status_code == 201, decided.text
        s.recipient_id = uuid.UUID(decided.json()["recipient_id"])
        return s

    return admit
