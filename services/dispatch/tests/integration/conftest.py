"""Dispatch in-process on the suite's real Kafka and PostgreSQL, and what tests drive it with.

Providers in these tests are what a real one would be: a plain aiokafka consumer on its own
topic that knows nothing but ``libs/contracts``. Each test works in its own township so
that its providers never compete with another test's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from civic.bus.access import KafkaAccess
from civic.db import make_engine
from civic.messaging_tables import outbox_message, processed_event
from contracts import topics
from contracts.envelope import Event
from contracts.registry import ContractError, parse
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from contracts.settlement import CatalogueItem, CatalogueVersionPublished
from contracts.values import ApprovedItem, Frequency
from devstack.infra import Infra
from devstack.journeys.care import trained_worker
from devstack.pytest_plugin import running_app
from dispatch.main import create_app
from dispatch.settings import Settings

COUNTY = "341702"
GATEWAY_SECRET = "gateway-secret-for-tests"
ORDER_RESPONSE_S = 6
DOORBELL_ACK_S = 2
# Long enough for a provider that answers at once to beat it on a saturated CI machine (at 6 s
# one did not), short enough for the silent provider's escalation to come within a test.
CHANGE_ACK_S = 12
#: One hour of the complaints' SLA: a missed meal's 48 h pass in 12 s, eligibility's in 30 s.
COMPLAINT_HOUR_S = 0.25
SHANGHAI = ZoneInfo("Asia/Shanghai")

_ITEMS = [
    ("LC-01", "居家照料", "life_care", "hour"),
    ("LC-02", "日间托管", "life_care", "day"),
    ("LC-03", "供餐送餐", "life_care", "meal"),
    ("LC-04", "代购代办", "life_care", "visit"),
    ("LC-05", "探访慰问", "life_care", "visit"),
    ("LC-06", "捐赠衣物", "life_care", "visit"),
    ("IC-01", "机构集中供养", "life_care", "day"),
    ("CL-01", "清洁卫生", "cleaning", "visit"),
    ("HC-01", "健康护理", "health_care", "visit"),
    ("HC-02", "健康管理", "health_care", "month"),
    ("HC-03", "社区义诊", "health_care", "visit"),
    ("CB-01", "信息咨询", "capability_building", "visit"),
    ("CB-02", "技能培训", "capability_building", "hour"),
    ("CB-03", "健康讲座", "capability_building", "visit"),
    ("CB-04", "社会融入", "capability_building", "visit"),
    ("CB-05", "心理疏导", "capability_building", "hour"),
]


def today() -> date:
    """Today in Chizhou."""
    return datetime.now(SHANGHAI).date()


class Reader:
    """Collects every event of one topic (from its start) as a plain Kafka client would."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.seen: list[tuple[Event, dict[str, Any]]] = []
        self.unparsed: list[tuple[dict[str, Any], dict[str, str]]] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> Reader:
        await self.consumer.start()
        self._task = asyncio.create_task(self._collect())
        return self

    async def _collect(self) -> None:
        async for message in self.consumer:
            raw = json.loads(message.value)
            try:
                self.seen.append((parse(message.topic, message.value), raw))
            except ContractError:  # e.g. a dead-letter topic: keep the payload and headers
                headers = {k: v.decode() for k, v in message.headers}
                self.unparsed.append((raw, headers))

    def events(self, cls: type[Event] | None = None, /, **fields: Any) -> list[Any]:
        """The events seen so far, of one class and with these field values."""
        return [
            e
            for e, _ in self.seen
            if (cls is None or isinstance(e, cls))
            and all(getattr(e, k, None) == v for k, v in fields.items())
        ]

    async def wait_for(self, cls: type[Event], /, **fields: Any) -> Any:
        """The first event of that class with these field values, once it arrives."""
        async with asyncio.timeout(60):
            while True:
                found = self.events(cls, **fields)
                if found:
                    return found[0]
                await asyncio.sleep(0.05)

    async def first_unparsed(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The first message that is no event of the contracts (a dead letter), with headers."""
        async with asyncio.timeout(60):
            while True:
                if self.unparsed:
                    return self.unparsed[0]
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()


class Bus:
    """The test's side of Kafka: a producer and readers, nothing from dispatch."""

    def __init__(self, bootstrap: KafkaAccess) -> None:
        self.bootstrap = bootstrap
        self.producer = AIOKafkaProducer(**bootstrap.aiokafka(), acks="all")
        self._readers: dict[str, Reader] = {}
        self._providers: dict[str, Reader] = {}

    async def publish(self, event: Event, topic: str | None = None) -> None:
        """Publishes an event as its producer would (keyed by its subject)."""
        await self.producer.send_and_wait(
            topic or event.TOPIC, event.to_json_bytes(), key=event.subject_key.encode()
        )

    async def topic(self, name: str) -> Reader:
        """A shared reader of a whole topic."""
        if name not in self._readers:
            consumer = AIOKafkaConsumer(
                name, **self.bootstrap.aiokafka(), auto_offset_reset="earliest"
            )
            self._readers[name] = await Reader(consumer).start()
        return self._readers[name]

    async def provider(self, code: str) -> Reader:
        """A provider's own consumer: its group, its topic, nothing else (one per provider)."""
        if code in self._providers:
            return self._providers[code]
        consumer = AIOKafkaConsumer(
            topics.provider_orders(code),
            **self.bootstrap.aiokafka(),
            group_id=f"provider-{code}",
            auto_offset_reset="earliest",
        )
        self._providers[code] = await Reader(consumer).start()
        return self._providers[code]

    async def close(self) -> None:
        for reader in [*self._readers.values(), *self._providers.values()]:
            await reader.close()
        await self.producer.stop()


class Probe:
    """Dispatch's own database, read as a witness: what it applied, what it wrote to send."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def applied(self, event_id: uuid.UUID) -> None:
        """Returns once dispatch has applied (or deliberately ignored) the event."""
        p = processed_event.c
        stmt = select(p.event_id).where(p.consumer == "dispatch", p.event_id == event_id)
        async with asyncio.timeout(60):
            while True:
                async with self.engine.connect() as connection:
                    if (await connection.execute(stmt)).first() is not None:
                        return
                await asyncio.sleep(0.05)

    async def emitted(self, event_type: str, **fields: Any) -> list[dict[str, Any]]:
        """Every event of that type dispatch wrote to its outbox, with these field values."""
        stmt = select(outbox_message.c.payload).where(outbox_message.c.event_type == event_type)
        async with self.engine.connect() as connection:
            payloads = [json.loads(p) for p in (await connection.scalars(stmt)).all()]
        wanted = {k: str(v) for k, v in fields.items()}
        return [p for p in payloads if all(str(p.get(k)) == v for k, v in wanted.items())]


class Api:
    """Dispatch's HTTP API with the tokens of each kind of caller."""

    def __init__(self, client: httpx.AsyncClient, mint: Callable[..., str]) -> None:
        self.client = client
        self._mint = mint

    def as_(self, role: str, division: str | None = None, **claims: Any) -> dict[str, str]:
        """Authorisation headers of a user in ``role``."""
        token = self._mint(roles=[role], division=division, **claims)
        return {"Authorization": f"Bearer {token}"}

    def county(self) -> dict[str, str]:
        return self.as_("county_officer", COUNTY, user_id="u-county")

    def township(self, code: str) -> dict[str, str]:
        return self.as_("township_officer", code, user_id=f"u-town-{code}")

    def village(self, code: str, role: str = "village_staff") -> dict[str, str]:
        return self.as_(role, code, user_id=f"u-{role}-{code}")

    def provider(self, code: str) -> dict[str, str]:
        return self.as_("provider", provider_code=code, user_id=f"u-{code}")

    async def register(
        self,
        code: str,
        areas: list[str],
        *,
        items: tuple[str, ...] = ("LC-01",),
        modes: tuple[str, ...] = ("government_purchase",),
        kind: str = "social_work_org",
        capacity: int = 10,
    ) -> dict[str, Any]:
        """Registers a provider (waiting, at first, for the catalogue to arrive)."""
        body = {
            "code": code,
            "name_zh": f"测试服务机构{code}",
            "provider_type": kind,
            "areas": areas,
            "item_codes": list(items),
            "modes": list(modes),
            "capacity": capacity,
            "qualification": {
                "name_zh": "民办非企业单位登记证书",
                "number": f"Q-{code}",
                "valid_from": "2024-01-01",
                "valid_until": (today() + timedelta(days=365)).isoformat(),
            },
            "contacts": [{"name_zh": "王主任", "phone": "13800000000"}],
        }
        async with asyncio.timeout(60):
            while True:
                response = await self.client.post("/providers", json=body, headers=self.county())
                if response.json().get("code") != "item_not_in_catalogue":
                    break
                await asyncio.sleep(0.2)
        assert response.status_code == 201, response.text
        await self.worker(code)  # every record of these tests names w1, unless it names another
        return dict(response.json())

    async def worker(self, code: str, ref: str = "w1", **changes: Any) -> httpx.Response:
        """The provider puts a worker in its register: trained for every category and
        evaluated a month ago (devstack's ``trained_worker``), unless ``changes`` say otherwise."""
        body = trained_worker(ref, today=today()) | changes
        response = await self.client.put(
            f"/provider/workers/{ref}", json=body, headers=self.provider(code)
        )
        assert response.status_code in (200, 201), response.text
        return response

    async def eventually(
        self, method: str, url: str, check: Callable[[httpx.Response], bool], **kw: Any
    ) -> httpx.Response:
        """Repeats a request until ``check`` holds (consumers work asynchronously)."""
        async with asyncio.timeout(60):
            while True:
                response = await self.client.request(method, url, **kw)
                if check(response):
                    return response
                await asyncio.sleep(0.1)


def approval(village: str, *items: ApprovedItem, **overrides: Any) -> RecipientApproved:
    """A RecipientApproved from review for a new person in ``village``."""
    return sample(
        RecipientApproved,
        person_id=uuid.uuid4(),
        recipient_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        county_code=village[:6],
        township_code=village[:9],
        village_code=village,
        effective_date=today(),
        display_name="张*三",
        approved_items=items or (item(),),
        **overrides,
    )


def status_change(
    approved: RecipientApproved, status: str, version: int, **fields: Any
) -> RecipientStatusChanged:
    """A RecipientStatusChanged from review for an approved recipient, effective today."""
    values: dict[str, Any] = {
        "person_id": approved.person_id,
        "recipient_id": approved.recipient_id,
        "status": status,
        "previous_status": "active",
        "version": version,
        "effective_date": today(),
        "reason_code": "assistance_stopped",
        "source": "review_officer",
    }
    return sample(RecipientStatusChanged, **(values | fields))


def item(code: str = "LC-01", mode: str = "government_purchase", **changes: Any) -> ApprovedItem:
    """One approved item."""
    values: dict[str, Any] = {
        "item_code": code,
        "service_category": "life_care",
        "mode": mode,
        "frequency": Frequency(times=2, per="week"),
        "funding_source": "tekun_care",
    }
    return ApprovedItem(**(values | changes))


def signed(body: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A body and headers as the doorbell gateway sends them."""
    raw = json.dumps(body).encode()
    digest = hmac.new(GATEWAY_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Doorbell-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def suffix() -> str:
    """A short unique tail for provider codes."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
async def bus(infra: Infra) -> AsyncIterator[Bus]:
    """The test's Kafka producer and readers."""
    found = Bus(infra.kafka)
    await found.producer.start()
    yield found
    await found.close()


@pytest.fixture(scope="session")
async def api(
    service_env: Callable[..., dict[str, Any]], mint_token: Callable[..., str], bus: Bus
) -> AsyncIterator[Api]:
    """Dispatch running in-process (broker, consumers, relay, watcher), with its catalogue."""
    settings = Settings(
        **service_env(
            "dispatch",
            order_response_s=ORDER_RESPONSE_S,
            doorbell_ack_s=DOORBELL_ACK_S,
            change_ack_s=CHANGE_ACK_S,
            complaint_sla_hour_s=COMPLAINT_HOUR_S,
            deadline_poll_s=0.2,
            reply_topic_refresh_ms=500,
            doorbell_gateway_secret=GATEWAY_SECRET,
        )
    )
    async with running_app(create_app(settings)) as client:
        await bus.publish(
            CatalogueVersionPublished(
                county_code=COUNTY,
                version=1,
                effective_from=date(2024, 1, 1),
                items=tuple(
                    CatalogueItem(
                        item_code=c,
                        name_zh=n,
                        service_category=s,
                        unit=u,
                        fee_fen=0,
                        is_example=True,
                    )
                    for c, n, s, u in _ITEMS
                ),
                published_by="u-county",
            )
        )
        yield Api(client, mint_token)


@pytest.fixture(scope="session")
async def probe(api: Api, service_database: Callable[[str], str]) -> AsyncIterator[Probe]:
    """A read-only look into the running dispatch's database."""
    engine = make_engine(service_database("dispatch"), pool_size=2)
    yield Probe(engine)
    await engine.dispose()


def slot(i: int, of: int = 6) -> tuple[datetime, datetime]:
    """The i-th of ``of`` equal slots of today's past (in Chizhou), so records never overlap."""
    now = datetime.now(UTC) - timedelta(minutes=1)
    start_of_day = datetime.combine(today(), datetime.min.time(), SHANGHAI)
    window_start = max(start_of_day, now - timedelta(hours=6))
    width = (now - window_start) / of
    return window_start + width * i, window_start + width * (i + 1)


def record(order_id: Any, i: int, *, worker: str = "w1", **changes: Any) -> dict[str, Any]:
    """A service record body in slot ``i`` of today."""
    start, end = slot(i)
    body = {
        "record_id": str(uuid.uuid4()),
        "order_id": str(order_id),
        "item_code": "LC-01",
        "quantity": 1,
        "service_date": today().isoformat(),
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "worker_ref": worker,
        "recipient_confirmed": True,
        "confirmation_ref": "signature-sheet-1",
        "location": "home",
    }
    return body | changes


@pytest.fixture(scope="session")
def make() -> SimpleNamespace:
    """The builders above, for test modules (which cannot import this conftest)."""
    return SimpleNamespace(
        approval=approval,
        status_change=status_change,
        item=item,
        signed=signed,
        suffix=suffix,
        record=record,
        slot=slot,
        today=today,
    )
