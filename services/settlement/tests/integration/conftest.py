"""Fixtures for settlement's integration tests: the app in-process, its database, a scenario."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.db import make_engine, make_sessionmaker
from civic.uow import UnitOfWork
from contracts.dispatch import ServiceDelivered, ServiceOrderAccepted, ServiceOrderCreated
from contracts.enums import FeeUnit, FundingSource, RecipientStatus, ServiceCategory, ServiceMode
from contracts.kinds import StatementPeriod
from contracts.review import RecipientApproved, RecipientStatusChanged
from contracts.samples import sample
from devstack.pytest_plugin import running_app
from settlement.handlers import readmodels, recipients
from settlement.handlers.billing import record_service
from settlement.handlers.statements import RunSettlement, run_settlement
from settlement.main import create_app
from settlement.orm import ledger_line, service_record, statement
from settlement.settings import Settings

CATEGORY = {
    "LC": ServiceCategory.LIFE_CARE,
    "IC": ServiceCategory.LIFE_CARE,
    "CL": ServiceCategory.CLEANING,
}
CATEGORY |= {"HC": ServiceCategory.HEALTH_CARE, "CB": ServiceCategory.CAPABILITY_BUILDING}


@pytest.fixture(scope="session")
def settings(service_env: Callable[..., dict[str, Any]]) -> Settings:
    return Settings(**service_env("settlement"))


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The settlement app with its lifespan (broker, consumers, relay, demo seed) running."""
    async with running_app(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(settings.database_url, pool_size=4)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def auth(mint_token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    def headers(role: str, division: str | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(roles=[role], division=division, **claims)}"}

    return headers


class Scenario:
    """One provider in one township, with helpers that drive the use cases as consumers do."""

    def __init__(self, db: async_sessionmaker[AsyncSession], township: str) -> None:
        self.db = db
        self.county, self.township, self.village = township[:6], township, township + "201"
        self.provider_id = uuid.uuid4()
        self.provider_code = f"p-{uuid.uuid4().hex[:10]}"

    async def run(self, use_case: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        async with UnitOfWork(self.db) as uow:
            result = await use_case(*args, uow=uow, **kwargs)
            if not uow.committed:
                await uow.commit()
            return result

    def where(self) -> dict[str, str]:
        return {
            "county_code": self.county,
            "township_code": self.township,
            "village_code": self.village,
        }

    def approval(self, effective: date) -> RecipientApproved:
        person = uuid.uuid4()
        return sample(
            RecipientApproved,
            person_id=person,
            recipient_id=uuid.uuid4(),
            effective_date=effective,
            **self.where(),
        )

    async def approve(self, effective: date = date(2024, 1, 1)) -> RecipientApproved:
        event = self.approval(effective)
        await self.run(recipients.note_recipient_approved, event)
        return event

    def ordering(
        self, who: RecipientApproved, item: str = "LC-01", unit: FeeUnit = FeeUnit.HOUR, **kw: Any
    ) -> ServiceOrderCreated:
        values: dict[str, Any] = {
            "person_id": who.person_id,
            "order_id": uuid.uuid4(),
            "version": 1,
            "recipient_id": who.recipient_id,
            "provider_id": self.provider_id,
            "provider_code": self.provider_code,
            "item_code": item,
            "service_category": CATEGORY[item[:2]],
            "mode": ServiceMode.GOVERNMENT_PURCHASE,
            "funding_source": FundingSource.TEKUN_CARE,
            "unit": unit,
            "start_date": date(2024, 1, 1),
            **self.where(),
        }
        values.update(kw)
        return sample(ServiceOrderCreated, **values)

    async def order(
        self, who: RecipientApproved, item: str = "LC-01", unit: FeeUnit = FeeUnit.HOUR, **kw: Any
    ) -> ServiceOrderCreated:
        event = self.ordering(who, item, unit, **kw)
        await self.run(readmodels.note_order_created, event)
        return event

    async def accept(self, order: ServiceOrderCreated, **kw: Any) -> ServiceOrderAccepted:
        """The provider accepts the order (version 2), as dispatch reports it."""
        event = sample(
            ServiceOrderAccepted,
            person_id=order.person_id,
            order_id=order.order_id,
            version=2,
            provider_id=order.provider_id,
            provider_code=order.provider_code,
            **kw,
        )
        await self.run(readmodels.note_order_answered, event)
        return event

    def delivery(
        self, order: ServiceOrderCreated, day: date, quantity: int = 1, **kw: Any
    ) -> ServiceDelivered:
        values: dict[str, Any] = {
            "person_id": order.person_id,
            "record_id": uuid.uuid4(),
            "order_id": order.order_id,
            "provider_id": order.provider_id,
            "provider_code": order.provider_code,
            "recipient_id": order.recipient_id,
            "item_code": order.item_code,
            "service_category": order.service_category,
            "mode": order.mode,
            "funding_source": order.funding_source,
            "unit": order.unit,
            "quantity": quantity,
            "service_date": day,
            **self.where(),
        }
        values.update(kw)
        return sample(ServiceDelivered, **values)

    async def deliver(
        self, order: ServiceOrderCreated, day: date, quantity: int = 1, **kw: Any
    ) -> ServiceDelivered:
        event = self.delivery(order, day, quantity, **kw)
        await self.run(record_service, event)
        return event

    async def change(
        self, who: RecipientApproved, status: RecipientStatus, effective: date, version: int = 2
    ) -> RecipientStatusChanged:
        event = sample(
            RecipientStatusChanged,
            person_id=who.person_id,
            recipient_id=who.recipient_id,
            status=status,
            previous_status=RecipientStatus.ACTIVE,
            version=version,
            effective_date=effective,
            reason_code="assistance_stopped",
        )
        await self.run(recipients.note_status_changed, event)
        return event

    async def settle(
        self, month: str, kind: StatementPeriod = StatementPeriod.MONTHLY
    ) -> list[uuid.UUID]:
        return await self.run(run_settlement, RunSettlement(kind, month, "township", self.township))  # type: ignore[no-any-return]

    async def lines(self) -> list[Any]:
        async with self.db() as s:
            c = ledger_line.c
            rows = await s.execute(
                select(ledger_line).where(c.provider_id == self.provider_id).order_by(c.posted_at)
            )
            return list(rows)

    async def record(self, record_id: uuid.UUID) -> Any:
        async with self.db() as s:
            return (
                await s.execute(
                    select(service_record).where(service_record.c.record_id == record_id)
                )
            ).one()

    async def statement(self, period: str) -> Any:
        async with self.db() as s:
            c = statement.c
            query = select(statement).where(c.provider_id == self.provider_id, c.period == period)
            return (await s.execute(query)).one_or_none()

    async def sql(self, query: str, **params: Any) -> list[Any]:
        async with self.db() as s:
            return list(await s.execute(text(query), params))


@pytest.fixture
def scenario(
    db: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> Callable[[str], Scenario]:
    """A fresh provider (so statements never collide between tests) in a given township."""
    return lambda township="341702100": Scenario(db, township)
