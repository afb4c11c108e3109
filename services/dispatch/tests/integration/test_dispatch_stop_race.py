"""Issue 14, fix 7: a stop racing a provider's decline. Two real PostgreSQL transactions run
the two use cases at the same moment, one held at its commit while the other starts; after
both commit, no open order may exist for the stopped recipient, in either order.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from civic.db import make_engine, make_sessionmaker
from civic.errors import Conflict
from civic.uow import UnitOfWork
from contracts import topics
from contracts.dispatch import ServiceOrderCreated
from contracts.reasons import DeclineReason
from dispatch.handlers import Timing
from dispatch.handlers.replies import Answer, decline_order
from dispatch.handlers.status import react_to_status
from dispatch.orm import service_order

from .steps import register

pytestmark = pytest.mark.integration

TIMING = Timing(
    order_response=timedelta(seconds=6),
    doorbell_answer=timedelta(seconds=2),
    record_clock_skew=timedelta(minutes=5),
    change_acknowledgement=timedelta(seconds=6),
)
OPEN = ("queued", "assigned", "accepted", "paused")


class HeldAtCommit(UnitOfWork):
    """A unit of work that, at its commit, waits for the test's go (its locks still held)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(sessionmaker)
        self.at_commit, self.go = asyncio.Event(), asyncio.Event()

    async def commit(self) -> None:
        if self._depth == 1:  # the use case's outermost commit, not a joined block's
            self.at_commit.set()
            await self.go.wait()
        await super().commit()


@pytest.fixture
async def db(api: Any, service_database: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(service_database("dispatch"), pool_size=4)
    yield engine
    await engine.dispose()


async def recipient_with_an_order(api: Any, bus: Any, make: SimpleNamespace, village: str) -> Any:
    """A recipient whose order went to one of two eligible providers (a decline moves it)."""
    await register(api, make, village, "race-a", "race-b")
    approved = make.approval(village)
    await bus.publish(approved)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    created = await orders.wait_for(ServiceOrderCreated, recipient_id=approved.recipient_id)
    return SimpleNamespace(approved=approved, order=created)


async def open_orders(engine: AsyncEngine, recipient_id: uuid.UUID) -> list[tuple[Any, ...]]:
    o = service_order.c
    stmt = select(o.order_id, o.status, o.provider_code).where(
        o.recipient_id == recipient_id, o.status.in_(OPEN)
    )
    async with engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(stmt)]


async def someone_waits_for_a_lock(engine: AsyncEngine) -> None:
    """Returns once a transaction of this database waits on a lock (row or advisory)."""
    stmt = text(
        "select count(*) from pg_stat_activity"
        " where datname = current_database() and wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(20):
        while True:
            async with engine.connect() as conn:
                if (await conn.execute(stmt)).scalar_one() > 0:
                    return
            await asyncio.sleep(0.02)


def declining(case: Any, uow: UnitOfWork) -> Callable[[], Awaitable[Any]]:
    answer = Answer(case.order.order_id, case.order.version, case.order.provider_code)

    async def run() -> Any:
        # The use case opens and commits its own unit of work.
        return await decline_order(
            answer, DeclineReason.CAPACITY_FULL, None, uow=uow, timing=TIMING
        )

    return run


def stopping(case: Any, make: SimpleNamespace, uow: UnitOfWork) -> Callable[[], Awaitable[None]]:
    stop = make.status_change(case.approved, "stopped", 2)

    async def run() -> None:
        await react_to_status(stop, uow=uow, timing=TIMING)

    return run


async def test_dispatch_a_decline_committing_while_a_stop_runs_leaves_no_open_order(
    api: Any, bus: Any, make: SimpleNamespace, db: AsyncEngine
) -> None:
    case = await recipient_with_an_order(api, bus, make, "341702008201")
    sessionmaker = make_sessionmaker(db)
    held = HeldAtCommit(sessionmaker)
    decline = asyncio.create_task(declining(case, held)())
    await asyncio.wait_for(held.at_commit.wait(), 20)  # the replacement order is written
    stop = asyncio.create_task(stopping(case, make, UnitOfWork(sessionmaker))())
    await someone_waits_for_a_lock(db)  # the stop has started and waits for the decline
    held.go.set()
    await asyncio.gather(decline, stop)
    assert await open_orders(db, case.approved.recipient_id) == []


async def test_dispatch_a_decline_arriving_while_a_stop_commits_is_refused(
    api: Any, bus: Any, make: SimpleNamespace, db: AsyncEngine
) -> None:
    case = await recipient_with_an_order(api, bus, make, "341702009201")
    sessionmaker = make_sessionmaker(db)
    held = HeldAtCommit(sessionmaker)
    stop = asyncio.create_task(stopping(case, make, held)())
    await asyncio.wait_for(held.at_commit.wait(), 20)  # every order is cancelled, not committed
    decline = asyncio.create_task(declining(case, UnitOfWork(sessionmaker))())
    await someone_waits_for_a_lock(db)
    held.go.set()
    await stop
    with pytest.raises(Conflict) as refused:
        await decline
    assert refused.value.code == "order_closed"
    assert await open_orders(db, case.approved.recipient_id) == []
