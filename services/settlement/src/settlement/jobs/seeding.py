"""At start: every county without a catalogue gets the demo one."""

from __future__ import annotations

import asyncio
import logging

from civic.runtime import Runtime
from settlement.handlers.catalogue import seed_demo_catalogues

log = logging.getLogger(__name__)

#: Seconds between attempts while the database is not reachable yet.
RETRY_SECONDS = 5


async def seed_demo_catalogue(runtime: Runtime) -> None:
    """Every county without a catalogue gets the demo one, published through the outbox."""
    while True:
        try:
            await seed_demo_catalogues(uow_factory=runtime.uow)
            return
        except Exception:
            log.exception("seeding the demo catalogues failed; trying again")
            await asyncio.sleep(RETRY_SECONDS)
