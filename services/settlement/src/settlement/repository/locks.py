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


async def lock_all(
    session: AsyncSession, kind: str, keys: Iterable[object], *, shared: bool = False
) -> None:
    """Takes locks (exclusive, or ``shared``) on many names in one statement, always in the
    same (sorted) order, so two transactions holding some of the same names cannot deadlock.
    A key that is a tuple names what ``lock(session, kind, *key)`` would."""
    names = sorted({":".join(map(str, (kind, *_parts(key)))) for key in keys})
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await session.execute(
        text(
            f"SELECT {function}(hashtextextended(name, 0)) "
            "FROM unnest(CAST(:names AS text[])) AS name ORDER BY name"
        ),
        {"names": names},
    )


def _parts(key: object) -> tuple[object, ...]:
    return key if isinstance(key, tuple) else (key,)
