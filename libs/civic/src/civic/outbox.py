"""The outbox relay: publishes committed events in order per key and marks each as sent.

* **One relay per database.** However many replicas a service runs, only the one holding
  the database's relay lock (a PostgreSQL advisory lock on a connection of its own)
  publishes; the others stand by and take over within a poll when it goes away. So one
  person's events leave in the order they were committed, across any number of replicas.
* **Waves.** A claimed batch is sent in waves: the first row of every key, then the second
  of every key, and so on; a wave is pipelined and its acknowledgements awaited before the
  next, and a key whose row failed sends nothing more in that batch.
* **Marked as acknowledged.** Each row is marked sent as soon as Kafka (``acks=all``,
  idempotent producer) confirmed it, not with its batch, so a failure never re-publishes the
  rows before it. A crash between the ack and the mark publishes a row again; consumers
  deduplicate on the event id.
* **Poison rows are parked, not retried for ever.** A row Kafka refuses for what it is (too
  large, a topic that does not exist or may not be written) is retried ``max_attempts``
  times, then parked with its last error; the later rows of its key wait behind it (their
  order matters) and every other key goes on. ``civic-outbox list|retry`` shows and frees
  them; ``civic_outbox_parked_events`` counts them. An outage (broker or network) is not
  the row's fault: it is waited out and never parks anything.
* **A producer aiokafka cannot recover is replaced.** After ``PRODUCER_FATAL`` errors an
  idempotent aiokafka producer fails every later send (aio-libs/aiokafka#1017), so the relay
  has the runtime replace it (a new producer id) before the next round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import errors as kafka_errors
from opentelemetry import context as otel_context
from opentelemetry import propagate
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from civic.messaging_tables import outbox_message

log = logging.getLogger(__name__)

#: The advisory lock that makes one relay per database the publisher.
RELAY_LOCK = 7_301_202_311
#: Errors that concern the row itself; anything else is an outage.
ROW_ERRORS = (
    kafka_errors.MessageSizeTooLargeError,
    kafka_errors.RecordTooLargeError,
    kafka_errors.UnknownTopicOrPartitionError,
    kafka_errors.TopicAuthorizationFailedError,
    kafka_errors.InvalidTopicError,
)
#: Errors after which aiokafka's idempotent producer keeps failing until it is replaced (its
#: producer id, epoch or sequence numbers no longer match the broker's); the Java client
#: takes a new producer id here. Authorization failures are not among them: a new producer
#: would be refused the same way.
PRODUCER_FATAL = (
    kafka_errors.OutOfOrderSequenceNumber,
    kafka_errors.UnknownProducerId,
    kafka_errors.InvalidProducerEpoch,
    kafka_errors.ProducerFenced,  # what aiokafka raises for InvalidProducerEpoch
    kafka_errors.InvalidProducerIdMapping,
)


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
    attempts: int = 0


#: Sends one row to Kafka without waiting; returns an awaitable that resolves on the ack.
Sender = Callable[[OutboxRow], Awaitable[Awaitable[Any]]]


class Outage(Exception):
    """Kafka could not be reached: wait and try the same rows again."""


@dataclass
class _Results:
    sent: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    outage: BaseException | None = None
    fatal: BaseException | None = None  # one of PRODUCER_FATAL


class Leadership:
    """Holds the relay lock on a connection of its own while this process is the relay."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def hold(self) -> bool:
        """True while this process holds the lock (takes it when it is free)."""
        try:
            if self._connection is None:
                self._connection = await self._engine.connect()
                got = await self._connection.scalar(
                    text("select pg_try_advisory_lock(:key)"), {"key": RELAY_LOCK}
                )
                await self._connection.commit()
                if not got:
                    await self._connection.close()  # holds no lock: back to the pool
                    self._connection = None
                    return False
                log.info("this process is now the outbox relay")
                return True
            await self._connection.execute(text("select 1"))  # still alive, still ours
            await self._connection.commit()
            return True
        except Exception:
            await self.release()
            raise

    async def release(self) -> None:
        """Gives the lock up. The connection is discarded, never pooled: a pooled connection
        would keep holding the lock for whoever used it next."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.invalidate()
            with contextlib.suppress(Exception):
                await self._connection.close()
            self._connection = None


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
        max_attempts: int = 5,
        reset_producer: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._send = send
        self._reset_producer = reset_producer
        self._batch_size = batch_size
        self._idle_poll_s = idle_poll_s
        self._max_backoff_s = max_backoff_s
        self._max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._stopping = False
        # The session factory's engine; the lock needs a connection outside the pool's reuse.
        self.leadership = Leadership(sessionmaker.kw["bind"])

    def wake(self) -> None:
        """Tells the relay that new rows were committed."""
        self._wake.set()

    def stop(self) -> None:
        """Asks the loop to finish after the current batch."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Publishes until stopped while it holds the relay lock; backs off in outages."""
        backoff = 0.0
        try:
            while not self._stopping:
                try:
                    sent = await self.drain_once() if await self.leadership.hold() else 0
                    backoff = 0.0
                except Exception as exc:
                    backoff = min(self._max_backoff_s, max(0.1, backoff * 2))
                    log.warning("outbox relay paused %.1fs: %r", backoff, exc)
                    await asyncio.sleep(backoff)
                    continue
                if sent == 0:
                    await self._idle()
        finally:
            await self.leadership.release()

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self._idle_poll_s)
        self._wake.clear()

    async def drain_once(self) -> int:
        """Claims one batch, publishes it in waves, marks what was sent; returns how many."""
        async with self._sessionmaker() as session, session.begin():
            rows = await self._claim(session)
            if not rows:
                return 0
            results = await self._publish(rows)
            await self._record(session, rows, results)
        if results.fatal is not None:
            await self._replace_producer(results.fatal)
        if results.outage is not None:
            raise Outage(repr(results.outage)) from results.outage
        return len(results.sent)

    async def _claim(self, session: AsyncSession) -> Sequence[OutboxRow]:
        t = outbox_message.c
        parked = outbox_message.alias("parked")
        held_back = (
            select(parked.c.id).where(parked.c.key == t.key, parked.c.parked_at.is_not(None))
        ).exists()
        result = await session.execute(
            select(t.id, t.event_id, t.event_type, t.topic, t.key, t.payload, t.headers)
            .add_columns(t.attempts)
            .where(t.published_at.is_(None), t.parked_at.is_(None), ~held_back)
            .order_by(t.id)
            .limit(self._batch_size)
            .with_for_update(skip_locked=True)
        )
        return [
            OutboxRow(
                r.id,
                str(r.event_id),
                r.event_type,
                r.topic,
                r.key,
                r.payload,
                r.headers,
                r.attempts,
            )
            for r in result
        ]

    async def _publish(self, rows: Sequence[OutboxRow]) -> _Results:
        results, failed_keys = _Results(), set[str]()
        for wave in _waves(rows):
            wave = [r for r in wave if r.key not in failed_keys]
            acks = await asyncio.gather(*(self._start(r) for r in wave), return_exceptions=True)
            outcomes = await asyncio.gather(*(_await(a) for a in acks), return_exceptions=True)
            for row, outcome in zip(wave, outcomes, strict=True):
                if not isinstance(outcome, BaseException):
                    results.sent.append(row.id)
                    continue
                failed_keys.add(row.key)
                if isinstance(outcome, ROW_ERRORS):
                    results.refused[row.id] = f"{type(outcome).__name__}: {outcome}"[:2000]
                else:
                    results.outage = outcome
                    if isinstance(outcome, PRODUCER_FATAL):
                        results.fatal = outcome
            if results.outage is not None:
                break  # the broker is away: the rest waits for the next round
        return results

    async def _replace_producer(self, error: BaseException) -> None:
        # After the rows' transaction: the rows this producer failed were not marked sent,
        # so the next round publishes them again with the new one. A copy the broker did
        # keep reaches consumers twice and their inbox absorbs it (same event id).
        if self._reset_producer is not None:
            log.warning("outbox relay replaces its Kafka producer after %r", error)
            await self._reset_producer()

    async def _start(self, row: OutboxRow) -> Awaitable[Any]:
        # Publish under the trace of the request or event that wrote the row, so the
        # producer span (and the traceparent header) continue that trace.
        token = otel_context.attach(propagate.extract(row.headers))
        try:
            return await self._send(row)
        finally:
            otel_context.detach(token)

    async def _record(
        self, session: AsyncSession, rows: Sequence[OutboxRow], results: _Results
    ) -> None:
        t = outbox_message.c
        if results.sent:
            await session.execute(
                update(outbox_message)
                .where(t.id.in_(results.sent))
                .values(published_at=func.now(), attempts=t.attempts + 1)
            )
        tried = {r.id: r.attempts for r in rows}
        for row_id, error in results.refused.items():
            attempts = tried[row_id] + 1
            park = attempts >= self._max_attempts
            values: dict[str, Any] = {"attempts": attempts, "last_error": error}
            if park:
                values["parked_at"] = func.now()
                log.error("outbox row %s parked after %d attempts: %s", row_id, attempts, error)
            await session.execute(update(outbox_message).where(t.id == row_id).values(**values))


def _waves(rows: Sequence[OutboxRow]) -> list[list[OutboxRow]]:
    """Wave n holds the n-th row of every key, in id order."""
    waves: list[list[OutboxRow]] = []
    seen: dict[str, int] = {}
    for row in rows:
        n = seen.get(row.key, 0)
        seen[row.key] = n + 1
        if n == len(waves):
            waves.append([])
        waves[n].append(row)
    return waves


async def _await(ack: Any) -> Any:
    if isinstance(ack, BaseException):
        raise ack
    return await ack


async def pending_count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Counts rows not yet published and not parked (for readiness and tests)."""
    async with sessionmaker() as session:
        t = outbox_message.c
        stmt = select(func.count()).where(t.published_at.is_(None), t.parked_at.is_(None))
        return int((await session.execute(stmt)).scalar_one())
