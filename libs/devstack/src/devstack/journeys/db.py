"""Reads the services' own databases directly, as an auditor would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg


async def fetch(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Runs one query against a postgresql+asyncpg URL."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def wait_until(check: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    """Polls an async check until it returns something truthy; fails the test on timeout."""
    result: Any = None
    try:
        async with asyncio.timeout(timeout):
            while True:
                result = await check()
                if result:
                    return result
                await asyncio.sleep(every)
    except TimeoutError:
        # Name the condition: a bare TimeoutError from a journey of ten waits says nothing.
        name = getattr(check, "__qualname__", repr(check))
        raise TimeoutError(f"{name} still {result!r} after {timeout:.0f} s") from None
