"""Idempotent retries from mobile apps: the same ``Idempotency-Key`` gets the first answer.

The stored answer is written in the same transaction as the effect, so a retry either
finds the whole first result or none of it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from civic.errors import Conflict, Unprocessable
from civic.messaging_tables import idempotency_record

MAX_KEY_LENGTH = 200


def request_fingerprint(payload: Any) -> str:
    """Hashes a request body so a key reused for a different request is caught."""
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def check_key(key: str) -> str:
    """Validates an Idempotency-Key header value."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii():
        raise Unprocessable(
            "Idempotency-Key 须为 1 至 200 个 ASCII 字符",
            code="bad_idempotency_key",
            field="header.Idempotency-Key",
        )
    return key


async def stored_response(
    session: AsyncSession, *, scope: str, key: str, fingerprint: str
) -> tuple[int, Any] | None:
    """Returns the first answer given for ``key`` in ``scope``, if there was one."""
    t = idempotency_record.c
    row = (
        await session.execute(
            select(t.request_hash, t.status_code, t.response).where(t.scope == scope, t.key == key)
        )
    ).first()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise Conflict(
            "该 Idempotency-Key 已用于另一份不同的请求",
            code="idempotency_key_reused",
            field="header.Idempotency-Key",
        )
    return int(row.status_code), row.response


async def remember_response(
    session: AsyncSession,
    *,
    scope: str,
    key: str,
    fingerprint: str,
    status_code: int,
    response: Any,
) -> None:
    """Stores the answer for ``key`` in the current transaction."""
    await session.execute(
        pg_insert(idempotency_record).values(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response=response,
        )
    )
