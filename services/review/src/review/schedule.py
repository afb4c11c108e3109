"""The clock that ends suspensions on their expected day: a suspended recipient (e.g. in
hospital until a known date) is resumed from that day without an officer having to act, so
dispatch, settlement and archive take them back as they would on an officer's resume."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from civic import clock
from civic.background import in_background
from civic.runtime import Runtime
from review.handlers import recipients

log = logging.getLogger(__name__)


async def run_suspension_expiry(
    runtime: Runtime,
    *,
    interval_s: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Ends due suspensions at start-up and then every ``interval_s`` seconds."""
    while True:
        try:
            # Days change at midnight in China, wherever the server's clock is set.
            today = clock.today()
            while await recipients.end_due_suspensions(uow=runtime.uow(), today=today):
                pass  # one batch per transaction, until none is due
        except Exception:
            log.exception("ending due suspensions failed; it is tried again at the next tick")
        await sleep(interval_s)


def suspension_expiry(
    runtime: Runtime, *, interval_s: float
) -> contextlib.AbstractAsyncContextManager[None]:
    """Keeps the suspension clock running in the background while the service runs."""
    return in_background(
        run_suspension_expiry(runtime, interval_s=interval_s), name="suspension-expiry"
    )
