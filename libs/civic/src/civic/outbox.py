"""The outbox relay: publishes committed events in order and marks them sent.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so two relays (two replicas of a
service) never publish the same row at the same time, and a row is marked only after
Kafka acknowledged it (``acks=all``, idempotent producer). A crash between the ack and
the mark publishes the row again; consumers deduplicate on the event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.messaging_tables import outbox_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxRow:
    """One claimed outbox row."""

    id: int
    event_id: str
    event_type: str
    topic: str
    key: str
    payload: str
    headers: dict[str, str]


#: Sends one row to Kafka without waiting; returns an awaitable that resolves on the ack.
Sender = Callable[[OutboxRow], Awaitable[Awaitable[Any]]]


class OutboxRelay:
    """Drains ``outbox_message`` to Kafka; woken at once by local commits, else polls."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        send: Sender,
        *,
        batch_size: int = 200,
        idle_poll_s: float = 0.5,
        max_backoff_s: float = 5.0,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._send = send
        self._batch_size = batch_size
        self._idle_poll_s = idle_poll_s
        self._max_backoff_s = max_backoff_s
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Tells the relay that new rows were committed."""
        self._wake.set()

    def stop(self) -> None:
        """Asks the loop to finish after the current batch."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Publishes until stopped, backing off while Kafka or the database is away."""
        backoff = 0.0
        while not self._stopping:
            try:
                sent = await self.drain_once()
                backoff = 0.0
            except Exception:
                backoff = min(self._max_backoff_s, max(0.1, backoff * 2))
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
                await asyncio.sleep(backoff)
                continue
            if sent == 0:
                await self._idle()

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._idle_poll_s)
        self._wake.clear()

    async def drain_once(self) -> int:
        """Claims one batch, publishes it, marks it; returns how many rows were sent."""
        async with self._sessionmaker() as session, session.begin():
            rows = await self._claim(session)
            if not rows:
                return 0
            acks = [await self._send_in_trace(row) for row in rows]
            await asyncio.gather(*acks)
            await session.execute(
                update(outbox_message)
                .where(outbox_message.c.id.in_([r.id for r in rows]))
                .values(published_at=func.now(), attempts=outbox_message.c.attempts + 1)
            )
        return len(rows)

    async def _claim(self, session: AsyncSession) -> Sequence[OutboxRow]:
        t = outbox_message.c
        result = await session.execute(
            select(t.id, t.event_id, t.event_type, t.topic, t.key, t.payload, t.headers)
            .where(t.published_at.is_(None))
            .order_by(t.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        return [
            OutboxRow(r.id, str(r.event_id), r.event_type, r.topic, r.key, r.payload, r.headers)
            for r in result
        ]

    async def _send_in_trace(self, row: OutboxRow) -> Awaitable[Any]:
        # Publish under the trace of the request or event that wrote the row, so the
        # producer span (and the traceparent header) continue that trace.
        token = otel_context.attach(propagate.extract(row.headers))
        try:
            return await self._send(row)
        finally:
            otel_context.detach(token)


async def pending_count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Counts rows not yet published (for readiness and tests)."""
    async with sessionmaker() as session:
        t = outbox_message.c
        result = await session.execute(select(func.count()).where(t.published_at.is_(None)))
        return int(result.scalar_one())
