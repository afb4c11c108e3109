"""Fixtures for archive's integration tests: settings, fresh databases, Kafka helpers, stories."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy.ext.asyncio import AsyncEngine

from archive.adapters.sealing import make_keeper
from archive.settings import Settings
from civic import sealing
from civic.bus.access import KafkaAccess
from civic.sealing.keeper import KeyKeeper
from contracts import dispatch, intake, settlement, survey
from contracts.envelope import Event
from contracts.registry import ContractError, parse
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from devstack.infra import Infra
from devstack.pytest_plugin import migrate


@pytest.fixture(scope="session")
def archive_settings(service_env: Callable[..., dict[str, Any]]) -> Settings:
    """Settings of an in-process archive on the session's Kafka and its archive database."""
    return Settings(**service_env("archive"))


@pytest.fixture(scope="session")
def fresh_archive_database(infra: Infra, repo_root: Path) -> Callable[[], str]:
    """Makes a new, migrated, empty archive database and returns its URL."""

    def make() -> str:
        url = infra.create_database(f"archive_{uuid.uuid4().hex[:10]}")
        migrate(repo_root, "archive", url)
        return url

    return make


@contextlib.asynccontextmanager
async def _keys_of(settings: Settings, engine: AsyncEngine) -> AsyncIterator[KeyKeeper]:
    """archive's keeper on another database (its own data keys), its ring held by this test's
    task while the block runs; the session's archive keeps sealing with the process's ring."""
    keeper = replace(make_keeper(settings, engine), installs_ring=False)
    with sealing.holding(await keeper.start()):
        yield keeper


#: ``async with keys_of(settings, engine) as keeper``: see ``_keys_of``.
KeysOf = Callable[[Settings, AsyncEngine], contextlib.AbstractAsyncContextManager[KeyKeeper]]


@pytest.fixture(scope="session")
def keys_of() -> KeysOf:
    """Starts archive's keeper on another database (a fresh or rebuilt one) for a block."""
    return _keys_of


@pytest.fixture(scope="session")
def publish(infra: Infra) -> Callable[..., Awaitable[None]]:
    """Publishes events as their producers would: on their topic, keyed by their subject."""

    async def send(*events: Event) -> None:
        producer = AIOKafkaProducer(**infra.kafka.aiokafka(), acks="all", enable_idempotence=True)
        await producer.start()
        try:
            for e in events:
                await producer.send_and_wait(
                    type(e).TOPIC, e.to_json_bytes(), key=e.subject_key.encode()
                )
        finally:
            await producer.stop()

    return send


async def eventually(probe: Callable[[], Awaitable[Any]], timeout: float = 45.0) -> Any:
    """Polls ``probe`` until it returns something truthy; fails the test on timeout."""
    async with asyncio.timeout(timeout):
        while True:
            result = await probe()
            if result:
                return result
            await asyncio.sleep(0.2)


@pytest.fixture(scope="session")
def wait_until() -> Callable[..., Awaitable[Any]]:
    """``await wait_until(probe)``: polls until the probe answers something truthy."""
    return eventually


class TopicWatch:
    """Reads a topic from the beginning (own consumer group) and finds events in it."""

    def __init__(self, bootstrap: KafkaAccess, topic: str) -> None:
        self.topic = topic
        self.events: list[Event] = []
        self._consumer = AIOKafkaConsumer(
            topic,
            **bootstrap.aiokafka(),
            group_id=f"archive-test-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def find(self, match: Callable[[Any], bool], timeout: float = 45.0) -> list[Any]:
        """Reads until at least one event matches; returns every match."""

        async def probe() -> list[Any]:
            batch = await self._consumer.getmany(timeout_ms=300)
            for records in batch.values():
                for r in records:
                    try:
                        self.events.append(parse(r.topic, r.value))
                    except ContractError:
                        continue
            return [e for e in self.events if match(e)]

        found: list[Any] = await eventually(probe, timeout)
        return found


@pytest.fixture
async def watch(infra: Infra) -> AsyncIterator[Callable[[str], Awaitable[TopicWatch]]]:
    """``await watch(topic)`` gives a started TopicWatch, stopped after the test."""
    started: list[TopicWatch] = []

    async def make(topic: str) -> TopicWatch:
        w = TopicWatch(infra.kafka, topic)
        await w.start()
        started.append(w)
        return w

    yield make
    for w in started:
        await w.stop()


@pytest.fixture(scope="session")
def bearer(mint_token: Callable[..., str]) -> Callable[[str, str], dict[str, str]]:
    """``bearer(role, division)`` gives the Authorization header of such a user."""

    def headers(role: str, division: str) -> dict[str, str]:
        token = mint_token(roles=[role], division=division, user_id=f"{role}-{division}")
        return {"Authorization": f"Bearer {token}"}

    return headers


def at(day: date, hour: int = 2) -> datetime:
    """An instant on a day (10:00 in Chizhou by default)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Person:
    """One person's story on the platform, as the other services would publish it."""

    village_code: str
    display_name: str = "张*三"
    category: str = "tekun"
    approved_on: date = date(2026, 11, 3)
    person_id: uuid.UUID = field(default_factory=uuid.uuid4)
    recipient_id: uuid.UUID = field(default_factory=uuid.uuid4)
    application_id: uuid.UUID = field(default_factory=uuid.uuid4)
    survey_id: uuid.UUID = field(default_factory=uuid.uuid4)
    status_version: int = 1

    @property
    def township_code(self) -> str:
        return self.village_code[:9]

    @property
    def county_code(self) -> str:
        return self.village_code[:6]

    def _mine(self, cls: type[Any], **values: Any) -> Any:
        return sample(cls, person_id=self.person_id, subject_key=str(self.person_id), **values)

    def _where(self) -> dict[str, str]:
        return {
            "county_code": self.county_code,
            "township_code": self.township_code,
            "village_code": self.village_code,
        }

    def application(self) -> list[Event]:
        """Submitted and registered at intake, surveyed and passed at the village."""
        app = {"application_id": self.application_id, **self._where()}
        sv = {"survey_id": self.survey_id, "application_id": self.application_id}
        return [
            self._mine(intake.ApplicationSubmitted, **app, version=1),
            self._mine(intake.ApplicationRegistered, **app, version=2),
            self._mine(survey.SurveyTaskCreated, **sv, **self._where(), version=1),
            self._mine(
                survey.SurveyCompleted,
                **sv,
                version=2,
                visited_on=date(2026, 10, 20),
                self_care_level="moderate",
                confirmed_conditions=("seriously_ill",),
                lives_alone=True,
                has_caregiver=False,
            ),
            self._mine(survey.PreliminaryReviewPassed, **sv, version=3),
        ]

    def approval(self, **extra: Any) -> RecipientApproved:
        """The township's approval (occurred on the approval day)."""
        values = {
            "recipient_id": self.recipient_id,
            "application_id": self.application_id,
            "display_name": self.display_name,
            "category": self.category,
            "special_conditions": ("seriously_ill",),
            "effective_date": self.approved_on,
            "occurred_at": at(self.approved_on),
            **self._where(),
        }
        return self._mine(RecipientApproved, **(values | extra))

    def status(self, status: str, day: date, **extra: Any) -> RecipientStatusChanged:
        """The next status change of the recipient."""
        previous = "active"
        self.status_version += 1
        values = {
            "recipient_id": self.recipient_id,
            "status": status,
            "previous_status": previous,
            "version": self.status_version,
            "effective_date": day,
            "reason_code": "assistance_stopped" if status == "stopped" else "other",
            "source": "review_officer",
            "occurred_at": at(day),
        }
        return self._mine(RecipientStatusChanged, **(values | extra))

    def order(self, provider_id: uuid.UUID, provider_code: str, **extra: Any) -> Any:
        """A service order for the approved item LC-01."""
        values = {
            "recipient_id": self.recipient_id,
            "provider_id": provider_id,
            "provider_code": provider_code,
            "start_date": self.approved_on,
            "version": 1,
            **self._where(),
        }
        return self._mine(dispatch.ServiceOrderCreated, **(values | extra))

    def delivered(self, order: Any, day: date, quantity: int = 2) -> Any:
        """A validated service record of the order."""
        return self._mine(
            dispatch.ServiceDelivered,
            order_id=order.order_id,
            provider_id=order.provider_id,
            provider_code=order.provider_code,
            recipient_id=self.recipient_id,
            item_code=order.item_code,
            quantity=quantity,
            unit="hour",
            service_date=day,
            **self._where(),
        )

    def ledger_line(self, record: Any) -> Any:
        """The township's charge for a service record."""
        return self._mine(
            settlement.LedgerLinePosted,
            kind="charge",
            recipient_id=self.recipient_id,
            provider_id=record.provider_id,
            township_code=self.township_code,
            period=record.service_date.strftime("%Y-%m"),
            item_code=record.item_code,
            unit="hour",
            quantity=record.quantity,
            unit_fee_fen=2500,
            amount_fen=record.quantity * 2500,
            record_id=record.record_id,
            order_id=record.order_id,
        )


@pytest.fixture
def person() -> Callable[..., Person]:
    """``person(village_code, display_name=...)`` makes a new person's story."""
    return Person


def provider_registered(
    name_zh: str, code: str, county: str = "341702", provider_type: str = "social_work_org"
) -> Any:
    """A provider admitted to dispatch's registry."""
    return sample(
        dispatch.ProviderRegistered,
        provider_id=uuid.uuid4(),
        provider_code=code,
        name_zh=name_zh,
        provider_type=provider_type,
        county_code=county,
        township_codes=(f"{county}100",),
        version=1,
    )


@pytest.fixture
def provider() -> Callable[..., Any]:
    """``provider(name_zh, code, county)`` makes a ProviderRegistered."""
    return provider_registered


def catalogue(county: str, version: int = 1) -> Any:
    """A county catalogue that names item LC-01."""
    item = {
        "item_code": "LC-01",
        "name_zh": "居家照料",
        "service_category": "life_care",
        "unit": "hour",
        "fee_fen": 2500,
        "is_example": True,
    }
    return sample(
        settlement.CatalogueVersionPublished, county_code=county, version=version, items=(item,)
    )


@pytest.fixture
def county_catalogue() -> Callable[..., Any]:
    """``county_catalogue(county)`` makes a CatalogueVersionPublished naming LC-01."""
    return catalogue
