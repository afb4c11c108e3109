"""The month clock of the notice boards: at start-up and at 00:00 on the 1st of each month
(Asia/Shanghai), every board still showing last month is rendered for the new one, so
"this month's additions and removals" never means last month's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from archive.context import ArchiveContext
from archive.domain.boards import next_month_start
from archive.handlers.boards import roll_boards_over
from civic.uow import UnitOfWork

log = logging.getLogger(__name__)

#: After a failed run (e.g. the database was down), try again this much later.
RETRY_S = 300.0


async def run_month_rollover(
    uow_factory: Callable[[], UnitOfWork],
    ctx: ArchiveContext,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Rolls the boards over now if a month has passed, then sleeps until the next month."""
    while True:
        try:
            made = await roll_boards_over(uow_factory=uow_factory, ctx=ctx)
            if made:
                log.info("notice boards rolled over to the new month: %d", made)
            wait = (next_month_start(ctx.clock()) - ctx.clock()).total_seconds() + 1
        except Exception:
            log.exception("the boards' month rollover failed; it is tried again later")
            wait = RETRY_S
        await sleep(wait)


@contextlib.asynccontextmanager
async def month_rollover(
    uow_factory: Callable[[], UnitOfWork], ctx: ArchiveContext
) -> AsyncIterator[None]:
    """Keeps the month clock running in the background while the service runs."""
    task = asyncio.create_task(run_month_rollover(uow_factory, ctx), name="board-month-rollover")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
