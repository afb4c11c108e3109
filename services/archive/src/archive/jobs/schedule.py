"""The boards' day clock: at start-up and just after 00:00 each day (Asia/Shanghai), every
board a new day made out of date is rendered again: on the 1st "this month's additions and
removals" start afresh, and a stop or suspension dated for today takes the person off."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from archive.context import ArchiveContext
from archive.handlers.boards import refresh_due_boards
from civic import clock
from civic.background import BackgroundJob, every
from civic.runtime import Runtime
from civic.uow import UnitOfWork
from contracts import calendar

log = logging.getLogger(__name__)

#: After a failed run (e.g. the database was down), try again this much later.
RETRY_S = 300.0


async def run_day_clock(
    uow_factory: Callable[[], UnitOfWork],
    ctx: ArchiveContext,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Brings the boards up to date now, then again each time a day begins."""

    async def step() -> None:
        made = await refresh_due_boards(uow_factory=uow_factory, ctx=ctx)
        if made:
            log.info("notice boards brought up to date for the new day: %d", made)

    def until_tomorrow() -> float:
        return calendar.seconds_to_next_day(clock.now()) + 1  # land inside the new day

    await every(until_tomorrow, step, what="the boards' day clock", retry_s=RETRY_S, sleep=sleep)


def day_clock(ctx: ArchiveContext) -> BackgroundJob:
    """The boards' day clock as a background job of the service."""

    async def board_day_clock(runtime: Runtime) -> None:
        await run_day_clock(runtime.uow, ctx)

    return board_day_clock
