"""A job that runs beside a service for as long as the service runs (its clocks)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any


@contextlib.asynccontextmanager
async def in_background(job: Coroutine[Any, Any, None], *, name: str) -> AsyncIterator[None]:
    """Runs ``job`` as a task inside the block and cancels it on the way out.

    For jobs whose every step is its own transaction, so cancelling between or within
    steps loses nothing (a half-done step rolls back and is done again next time)."""
    task = asyncio.create_task(job, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
