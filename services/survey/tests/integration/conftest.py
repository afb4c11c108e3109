"""Fixtures of survey's integration tests: the app in-process on real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from contracts import topics
from contracts.envelope import Event
from contracts.intake import ApplicationRegistered
from contracts.registry import parse
from contracts.samples import sample
from devstack.infra import Infra
from devstack.pytest_plugin import running_app
from survey.main import create_app
from survey.settings import Settings

VILLAGE = "341702100201"
OTHER_VILLAGE = "341702100202"
TOWNSHIP = "341702100"
WAIT_S = 60


@dataclass
class Survey:
    """What a test needs to talk to the running survey service."""

    client: httpx.AsyncClient
    engine: AsyncEngine
    infra: Infra
    mint: Callable[..., str]

    def auth(self, role: str, user_id: str, division: str = VILLAGE) -> dict[str, str]:
        """Authorization header for a user with one role and jurisdiction."""
        token = self.mint(user_id=user_id, roles=[role], division=division)
        return {"Authorization": f"Bearer {token}"}

    async def publish(self, *events: Event) -> None:
        """Publishes events on their topic with a plain producer, keyed like the outbox."""
        producer = AIOKafkaProducer(**self.infra.kafka.aiokafka(), acks="all")
        await producer.start()
        try:
            for event in events:
                key = event.subject_key.encode()
                await producer.send_and_wait(event.TOPIC, event.to_json_bytes(), key=key)
        finally:
            await producer.stop()

    async def register(self, **overrides: Any) -> tuple[ApplicationRegistered, dict[str, Any]]:
        """Publishes an ApplicationRegistered for the demo village and waits for its task."""
        person = uuid.uuid4()
        values = {"person_id": person, "village_code": VILLAGE, "version": 2, **overrides}
        event = sample(ApplicationRegistered, **values)
        await self.publish(event)
        return event, await self.task_of(event.application_id)

    async def task_of(self, application_id: uuid.UUID) -> dict[str, Any]:
        """Polls the list (as a township officer) until the application's task appears."""
        headers = self.auth("township_officer", "u-township", TOWNSHIP)
        async with asyncio.timeout(WAIT_S):
            while True:
                page = 1
                while True:
                    got = await self.client.get(
                        "/survey-tasks", params={"size": 100, "page": page}, headers=headers
                    )
                    assert got.status_code == 200, got.text
                    body = got.json()
                    mine = [t for t in body["items"] if t["application_id"] == str(application_id)]
                    if mine:
                        return mine[0]
                    if page * 100 >= body["total"]:
                        break
                    page += 1
                await asyncio.sleep(0.1)

    async def handled(self, event: Event) -> None:
        """Waits until survey's consumer recorded the event in its inbox (effect committed)."""
        query = text("select count(*) from processed_event where event_id = :id")
        async with asyncio.timeout(WAIT_S):
            while True:
                async with self.engine.connect() as conn:
                    if (await conn.execute(query, {"id": event.event_id})).scalar_one():
                        return
                await asyncio.sleep(0.1)

    async def outbox_count(self, event_type: str, survey_id: str) -> int:
        """Events of a type written to the outbox for one survey."""
        query = text(
            "select count(*) from outbox_message where event_type = :t and payload like :s"
        )
        params = {"t": event_type, "s": f'%"survey_id":"{survey_id}"%'}
        async with self.engine.connect() as conn:
            return int((await conn.execute(query, params)).scalar_one())

    async def events_of(self, survey_id: str, *, until: str) -> list[Event]:
        """Reads survey.surveys.v1 with a plain consumer until ``until`` appears for the survey."""
        consumer = AIOKafkaConsumer(
            topics.SURVEY_SURVEYS,
            **self.infra.kafka.aiokafka(),
            group_id=f"survey-test-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        seen: list[Event] = []
        try:
            async with asyncio.timeout(WAIT_S):
                while not any(e.event_type == until for e in seen):
                    batches = await consumer.getmany(timeout_ms=500)
                    for records in batches.values():
                        for record in records:
                            event = parse(record.topic, record.value or b"")
                            if str(getattr(event, "survey_id", "")) == survey_id:
                                seen.append(event)
        finally:
            await consumer.stop()
        return seen


@pytest.fixture(scope="module")
async def survey(
    service_env: Callable[..., dict[str, Any]], infra: Infra, mint_token: Callable[..., str]
) -> AsyncIterator[Survey]:
    """The survey app running in-process (consumers, outbox relay) and a client for it."""
    settings = Settings(**service_env("survey"))
    engine = create_async_engine(settings.database_url)
    async with running_app(create_app(settings)) as client:
        yield Survey(client, engine, infra, mint_token)
    await engine.dispose()
