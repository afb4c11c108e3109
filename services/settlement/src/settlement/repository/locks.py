"""Transaction-scoped advisory locks that serialise what must not interleave."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def lock(session: AsyncSession, *parts: object) -> None:
    """Takes an exclusive lock on a name until the transaction ends."""
    name = ":".join(str(p) for p in parts)
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:n, 0))"), {"n": name}
    )


async def lock_shared(session: AsyncSession, *parts: object) -> None:
    """Takes a shared lock on a name (many holders, but none beside an exclusive one)."""
    name = ":".join(str(p) for p in parts)
    await session.execute(
        text("SELECT pg_advisory_xact_lock_shared(hashtextextended(:n, 0))"), {"n": name}
    )


async def lock_all(session: AsyncSession, kind: str, keys: Iterable[object]) -> None:
    """Takes exclusive locks on many names in one statement, always in the same (sorted)
    order, so two transactions holding some of the same names cannot deadlock."""
    names = sorted({f"{kind}:{key}" for key in keys})
    await session.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtextextended(name, 0)) "
            "FROM unnest(CAST(:names AS text[])) AS name ORDER BY name"
        ),
        {"names": names},
    )
