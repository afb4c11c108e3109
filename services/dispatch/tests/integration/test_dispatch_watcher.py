"""On a database of its own: the deadline watcher keeps nothing in memory — one started after
the deadlines were written (as after a restart) escalates them (an unanswered order, an
unacknowledged order change, an unanswered doorbell), two (two replicas) escalate each once —
and the migrations build exactly the tables ``orm.py`` describes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from civic.db import make_engine, make_sessionmaker
from civic.messaging_tables import messaging_metadata, outbox_message
from civic.uow import UnitOfWork
from devstack.infra import Infra
from devstack.pytest_plugin import migrate
from dispatch.adapters.sealing import HELPER_PHONE, PROVIDER_CONTACTS, seal_json, seal_text
from dispatch.handlers import Timing
from dispatch.handlers.doorbell import Press, take_press
from dispatch.jobs.watcher import DeadlineWatcher
from dispatch.orm import (
    doorbell,
    metadata,
    neighbour_helper,
    order_change,
    provider,
    recipient,
    service_order,
)

from .steps import own_keys

pytestmark = pytest.mark.integration

VILLAGE = "341702108202"
PAST = datetime.now(UTC) - timedelta(minutes=5)


@pytest.fixture
async def engine(
    infra: Infra, repo_root: Path, service_env: Callable[..., dict[str, Any]], tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A database of its own, so the running app's watcher cannot get there first; its own
    keys seal and open the helpers' phones and the providers' contacts."""
    url = infra.create_database(f"dispatch_watch_{uuid.uuid4().hex[:8]}")
    await asyncio.to_thread(migrate, repo_root, "dispatch", url)
    made = make_engine(url, pool_size=4)
    try:
        async with own_keys(service_env, made, url, tmp_path / "master-keys"):
            yield made
    finally:
        await made.dispose()


@pytest.fixture
def database(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on that database."""
    return make_sessionmaker(engine)


async def seed(sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    """A household with a doorbell, and an order its provider never answered."""
    person, recipient_id, helper_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    provider_id, order_id = uuid.uuid4(), uuid.uuid4()
    async with sessions() as session, session.begin():
        await session.execute(
            recipient.insert().values(
                recipient_id=recipient_id,
                person_id=person,
                household_id=uuid.uuid4(),
                version=1,
                display_name="李*",
                category="tekun",
                county_code=VILLAGE[:6],
                township_code=VILLAGE[:9],
                village_code=VILLAGE,
                effective_date=PAST.date(),
            )
        )
        await session.execute(
            neighbour_helper.insert().values(
                helper_id=helper_id,
                village_code=VILLAGE,
                user_id="nb-1",
                name_zh="邻居",
                phone=seal_text("13700000009", purpose=HELPER_PHONE, row=helper_id),
                channel="sms",
                trained_on=PAST.date(),
            )
        )
        await session.execute(
            doorbell.insert().values(
                device_id="bell-w",
                recipient_id=recipient_id,
                person_id=person,
                village_code=VILLAGE,
                helper_ids=[helper_id],
                coordinator_user_id="u-c",
                coordinator_channel="app_push",
                registered_by="u-c",
            )
        )
        await session.execute(
            provider.insert().values(
                provider_id=provider_id,
                code="silent-1",
                name_zh="某机构",
                provider_type="social_work_org",
                county_code=VILLAGE[:6],
                status="active",
                version=1,
                capacity=5,
                qualification_name="证书",
                qualification_number="N",
                qualified_from=PAST.date(),
                qualified_until=PAST.date() + timedelta(days=9),
                township_codes=[VILLAGE[:9]],
                item_codes=["LC-01"],
                modes=["government_purchase"],
                service_categories=["life_care"],
                contacts=seal_json([], purpose=PROVIDER_CONTACTS, row=provider_id),
            )
        )
        await session.execute(
            service_order.insert().values(
                order_id=order_id,
                referral_id=uuid.uuid4(),
                version=1,
                status="assigned",
                recipient_id=recipient_id,
                person_id=person,
                household_id=uuid.uuid4(),
                display_name="李*",
                provider_id=provider_id,
                provider_code="silent-1",
                item_code="LC-01",
                service_category="life_care",
                mode="government_purchase",
                frequency_times=1,
                frequency_per="week",
                funding_source="tekun_care",
                unit="hour",
                catalogue_version=1,
                county_code=VILLAGE[:6],
                township_code=VILLAGE[:9],
                village_code=VILLAGE,
                start_date=PAST.date(),
                respond_by=PAST,
            )
        )
        await session.execute(
            order_change.insert().values(
                change_id=uuid.uuid4(),
                order_id=order_id,
                order_version=1,
                provider_code="silent-1",
                kind="paused",
                reason_code="recipient_suspended",
                effective_date=PAST.date(),
                acknowledge_by=PAST,
            )
        )
    return order_id


async def escalations(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(outbox_message.c.event_type).where(
                outbox_message.c.event_type.like("%Escalated")
            )
        )
        return sorted(rows.all())


async def test_dispatch_a_watcher_started_later_escalates_what_was_due_once(
    database: async_sessionmaker[AsyncSession],
) -> None:
    await seed(database)
    timing = Timing(timedelta(hours=1), timedelta(seconds=1), timedelta(minutes=5))
    press = Press(press_id="p-w", device_id="bell-w", pressed_at=PAST)
    # Pressed (the use case commits its own unit of work), then the process "died".
    await take_press(press, uow=UnitOfWork(database), timing=timing, now=PAST)
    assert await escalations(database) == []

    replicas = [DeadlineWatcher(lambda: UnitOfWork(database), interval_s=60) for _ in range(2)]
    done = await asyncio.gather(*(w.sweep() for w in replicas))
    assert sum(done) == 3
    assert await escalations(database) == [
        "dispatch.AlertEscalated",
        "dispatch.ServiceOrderEscalated",  # not accepted in time
        "dispatch.ServiceOrderEscalated",  # change not acknowledged
    ]
    assert await replicas[0].sweep() == 0


async def test_dispatch_the_migrations_build_exactly_the_tables_orm_describes(
    engine: AsyncEngine,
) -> None:
    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, [metadata, messaging_metadata]))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
