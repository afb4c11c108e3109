"""Idempotent retries from mobile apps: the same ``Idempotency-Key`` gets the first answer.

The stored answer is written in the same transaction as the effect, so a retry either
finds the whole first result or none of it. The one way, for every service::

    retry = Retry.of(idempotency_key, route="review.decide", user_id=user.id, body=payload)
    async with uow:
        if (first := await replayed(retry, uow)) is not None:
            return first                       # the same answer again, no second effect
        ...                                    # the effect
        await remember(retry, uow, Answer(201, body))
        await uow.commit()

``replayed`` locks the key until commit, so two copies of one request racing each other
cannot both act: the second waits, then finds the first answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from civic.errors import Conflict, Unprocessable
from civic.messaging_tables import idempotency_record

if TYPE_CHECKING:
    from civic.uow import UnitOfWork

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


@dataclass(frozen=True)
class Answer:
    """An HTTP status and body, as first given (and given again to a retry)."""

    status: int
    body: Any


@dataclass(frozen=True)
class Retry:
    """An Idempotency-Key, the caller and route it belongs to, and the request's fingerprint."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, key: str | None, *, route: str, user_id: str, body: Any) -> Retry | None:
        """None without a key; keys are per caller and route, so two users never share one."""
        if key is None:
            return None
        return cls(f"{route}:{user_id}", check_key(key), request_fingerprint(body))


async def replayed(retry: Retry | None, uow: UnitOfWork) -> Answer | None:
    """The first answer to this key, if any (409 if it was a different request); locks the key."""
    if retry is None:
        return None
    lock = func.pg_advisory_xact_lock(func.hashtextextended(f"{retry.scope}:{retry.key}", 1))
    await uow.session.execute(select(lock))
    found = await stored_response(
        uow.session, scope=retry.scope, key=retry.key, fingerprint=retry.fingerprint
    )
    return Answer(*found) if found else None


async def remember(retry: Retry | None, uow: UnitOfWork, answer: Answer) -> None:
    """Stores the answer under the key, in the same transaction as the effect."""
    if retry is not None:
        await remember_response(
            uow.session,
            scope=retry.scope,
            key=retry.key,
            fingerprint=retry.fingerprint,
            status_code=answer.status,
            response=answer.body,
        )
