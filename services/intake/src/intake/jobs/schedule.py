"""The monthly follow-up's clock: at start-up, then at 00:00 of each month in Chizhou."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from civic import clock
from civic.background import every
from civic.runtime import Runtime
from contracts import calendar
from intake.handlers import follow_up
from intake.repository import IntakeRecords

#: After a failed run (e.g. the database was down), try again this much later.
RETRY_S = 300.0


async def run_monthly(
    runtime: Runtime, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
) -> None:
    """Runs the follow-up for the current month, then sleeps until the next month starts."""

    async def step() -> None:
        uow = runtime.uow()
        await follow_up.open_follow_up_applications(
            clock.month(), uow=uow, records=IntakeRecords(uow)
        )

    def until_next_month() -> float:
        return calendar.seconds_to_next_month(clock.now()) + 1  # land inside the new month

    await every(until_next_month, step, what="the monthly follow-up", retry_s=RETRY_S, sleep=sleep)
