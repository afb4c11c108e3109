"""The registry's clocks. One ends suspensions on their expected day: a suspended recipient
(e.g. in hospital until a known date) is resumed from that day without an officer having to
act, so dispatch, settlement and archive take them back as they would on an officer's resume.
The other ends emergency care (救急难) that no review confirmed by its deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from civic import clock
from civic.background import every
from civic.runtime import Runtime
from review.handlers import emergencies, recipients


async def run_suspension_expiry(
    runtime: Runtime,
    *,
    interval_s: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Ends due suspensions at start-up and then every ``interval_s`` seconds."""

    async def step() -> None:
        # Days change at midnight in China, wherever the server's clock is set.
        today = clock.today()
        while await recipients.end_due_suspensions(uow=runtime.uow(), today=today):
            pass  # one batch per transaction, until none is due

    await every(
        lambda: interval_s, step, what="ending due suspensions", retry_s=interval_s, sleep=sleep
    )


async def run_emergency_expiry(
    runtime: Runtime,
    *,
    interval_s: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Ends unconfirmed emergency care past its deadline, every ``interval_s`` seconds."""

    async def step() -> None:
        now = clock.now()
        while await emergencies.end_due_emergencies(uow=runtime.uow(), now=now):
            pass  # one batch per transaction, until none is due

    await every(
        lambda: interval_s,
        step,
        what="ending expired emergency care",
        retry_s=max(interval_s, 1.0),
        sleep=sleep,
    )
