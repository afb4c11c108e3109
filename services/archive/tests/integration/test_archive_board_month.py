"""The boards' day clock: on the 1st (Asia/Shanghai) last month's ins and outs leave the
page and the title names the new month; a stop dated for a later day takes the person off
on that day, not before; old pages stay answerable by date."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from archive.adapters.numbering import CounterNumbers
from archive.context import ArchiveContext
from archive.handlers.boards import refresh_due_boards
from archive.main import create_app
from archive.settings import Settings
from civic import clock
from civic import clock as civic_clock
from civic.db import make_engine, make_sessionmaker
from civic.uow import UnitOfWork
from contracts import topics
from contracts.archive import FileStatusRecorded
from devstack.pytest_plugin import running_app

pytestmark = pytest.mark.integration

VILLAGE = "341723105201"  # 丁桥镇, used by no other archive test


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 5, 3, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


MOVING = Clock()


@pytest.fixture(scope="module")
async def running(
    archive_settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, ArchiveContext, Callable[[], UnitOfWork]]]:
    ctx = ArchiveContext(settings=archive_settings, numbers=CounterNumbers())
    engine = make_engine(archive_settings.database_url, pool_size=2)
    sessions = make_sessionmaker(engine)
    app = create_app(archive_settings, ctx)
    try:
        with clock.using(civic_clock.Clock(MOVING)):
            async with running_app(app) as client:
                yield client, ctx, lambda: UnitOfWork(sessions)
    finally:
        await engine.dispose()


async def page(client: httpx.AsyncClient, **params: str) -> str:
    got = await client.get(f"/boards/{VILLAGE}", params=params)
    assert got.status_code == 200, got.text
    return got.text


def section(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split('id="')[0]


async def test_archive_on_the_first_of_the_month_the_board_starts_the_new_month(
    running: tuple[httpx.AsyncClient, ArchiveContext, Callable[[], UnitOfWork]],
    publish: Callable[..., Awaitable[None]],
    wait_until: Callable[..., Awaitable[Any]],
    person: Callable[..., Any],
    watch: Callable[[str], Awaitable[Any]],
) -> None:
    client, ctx, uow = running
    files_topic = await watch(topics.ARCHIVE_FILES)
    moving = MOVING
    stays, leaves = person(VILLAGE, display_name="上官*婉"), person(VILLAGE, display_name="司马*光")
    await publish(stays.approval(), leaves.approval())
    moving.now = datetime(2026, 11, 20, 3, tzinfo=UTC)
    await publish(leaves.status("stopped", date(2026, 11, 20)))

    async def november_board() -> str | None:
        html = await page(client)
        return html if "司马**" in section(html, "removals") else None

    html = await wait_until(november_board)
    assert "上官**" in section(html, "additions") and "2026年11月" in html

    # Before the month ends there is nothing to roll over.
    assert await refresh_due_boards(uow_factory=uow, ctx=ctx) == 0
    moving.now = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)  # 00:05 on 1 December in Chizhou
    assert await refresh_due_boards(uow_factory=uow, ctx=ctx) >= 1
    assert await refresh_due_boards(uow_factory=uow, ctx=ctx) == 0  # once per month

    december = await page(client)
    assert "2026年12月" in december and "上官**" in section(december, "current")
    assert "上官**" not in section(december, "additions")
    assert "司马**" not in december
    november = await page(client, as_of="2026-11-30")
    assert "司马**" in section(november, "removals") and "上官**" in section(november, "additions")

    # On 1 December the township records a stop from 3 December: the board waits for the day.
    stop = stays.status("stopped", date(2026, 12, 3))
    await publish(stop)
    await files_topic.find(
        lambda e: isinstance(e, FileStatusRecorded) and e.source_event_id == stop.event_id
    )
    still = await page(client)
    assert "上官**" in section(still, "current") and "上官**" not in section(still, "removals")
    moving.now = datetime(2026, 12, 1, 20, tzinfo=UTC)  # 04:00 on 2 December
    assert await refresh_due_boards(uow_factory=uow, ctx=ctx) == 0
    moving.now = datetime(2026, 12, 2, 16, 1, tzinfo=UTC)  # 00:01 on 3 December
    assert await refresh_due_boards(uow_factory=uow, ctx=ctx) >= 1
    third = await page(client)
    assert "上官**" not in section(third, "current") and "上官**" in section(third, "removals")
    assert "上官**" in section(await page(client, as_of="2026-12-02"), "current")
