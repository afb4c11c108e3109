"""The monthly follow-up's clock: at start-up, then at 00:00 of each month in Asia/Shanghai."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from civic import clock
from civic.background import in_background
from civic.runtime import Runtime
from contracts import calendar
from intake.handlers import follow_up

log = logging.getLogger(__name__)

#: After a failed run (e.g. the database was down), try again this much later.
RETRY_S = 300.0


async def run_monthly(
    runtime: Runtime,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Runs the follow-up for the current month, then sleeps until the next month starts."""
    while True:
        wait = RETRY_S
        try:
            month = calendar.month_of(clock.now())
            await follow_up.open_follow_up_applications(month, uow=runtime.uow())
            wait = calendar.seconds_to_next_month(clock.now()) + 1  # land inside the new month
        except Exception:
            log.exception("the monthly follow-up failed; it is tried again later")
        await sleep(min(wait, calendar.seconds_to_next_month(clock.now()) + 1))


def monthly_follow_up(runtime: Runtime) -> contextlib.AbstractAsyncContextManager[None]:
    """Keeps the monthly follow-up running in the background while the service runs."""
    return in_background(run_monthly(runtime), name="monthly-follow-up")
