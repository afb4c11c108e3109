"""Unit of work: one database transaction that holds a state change and its events.

Handlers change state through repositories on ``uow.session`` and announce what
happened with ``uow.emit(event)``. ``commit()`` writes the events into the outbox in
the same transaction, so an event exists if and only if its state change does.

A handler always opens its own unit of work (``async with uow: ... await uow.commit()``).
When it is called inside one already open (a consumer has claimed the event in it), the
handler's block joins that transaction: its ``commit()`` is left to the outermost block, so
the claim and the effect commit together. One handler, one contract, from HTTP or Kafka.

Every step of a platform service is mirrored on ``bigdata.events.v1`` in the same transaction,
its ids replaced by keyed pseudonyms (``contracts.bigdata``): the runtime hands each unit of
work the big-data platform's ``Pseudonyms`` (``Runtime.uow``). A unit of work made without
one (a tool, a test about something else) writes no mirror: never one with ids in clear.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self, cast, get_args

from opentelemetry import propagate
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic import clock
from civic.messaging_tables import outbox_message, processed_event
from contracts import topics
from contracts.bigdata import Pseudonymiser, ServiceName, mirror_of
from contracts.envelope import Event

_PLATFORM_SERVICES = frozenset(get_args(ServiceName))


def _row(event: Event, topic: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "topic": topic,
        "key": event.subject_key,
        "payload": event.model_dump_json(),
        "headers": headers,
    }


class UnitOfWork:
    """An async context manager around one transaction; rolls back unless committed."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        pseudonyms: Pseudonymiser | None = None,
        on_events_committed: Callable[[], None] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._pseudonyms = pseudonyms
        self._on_events_committed = on_events_committed
        self._pending: list[dict[str, Any]] = []
        self._committed = False
        self._depth = 0
        self.session: AsyncSession

    @property
    def active(self) -> bool:
        """True inside ``async with``: a transaction is open."""
        return self._depth > 0

    async def __aenter__(self) -> Self:
        self._depth += 1
        if self._depth > 1:
            return self  # joins the transaction already open
        self._pending = []
        self._committed = False
        await self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            await self._end()  # the outermost block commits or rolls back

    async def _begin(self) -> None:
        """Opens the session and its transaction (the outermost block only)."""
        self.session = self._sessionmaker()
        await self.session.begin()

    async def _end(self) -> None:
        """Rolls back what was not committed and closes the session."""
        try:
            if not self._committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    @property
    def committed(self) -> bool:
        """True once commit() succeeded."""
        return self._committed

    @property
    def emitted(self) -> list[dict[str, Any]]:
        """The outbox rows this unit of work will write (for tests and tools)."""
        return list(self._pending)

    def emit(self, event: Event, *, topic: str | None = None) -> None:
        """Queues an event for the outbox; it is written at commit, in this transaction."""
        target = topic or event.TOPIC
        if not target:
            raise ValueError(f"{type(event).__name__} has no topic")
        if "occurred_at" not in event.model_fields_set:
            # The contracts' default is the machine's time; the platform's is the one clock.
            event = event.model_copy(update={"occurred_at": clock.now()})
        headers: dict[str, str] = {}
        # The trace that caused the change is carried to the relay through the row.
        propagate.inject(headers)
        self._pending.append(_row(event, target, headers))
        self._mirror(event, target)

    def _mirror(self, event: Event, target: str) -> None:
        """Queues the big-data mirror of a platform step (ids as keyed pseudonyms)."""
        # The audit of reads is about staff, not a step of anyone's case: it is not mirrored.
        if self._pseudonyms is None or target in (topics.BIGDATA_EVENTS, topics.AUDIT_READS):
            return
        if event.producer not in _PLATFORM_SERVICES:
            return
        # A stable mirror id (derived from the pseudonymised source id) survives a re-emit.
        producer = cast("ServiceName", event.producer)  # one of the six: checked above
        mirror = mirror_of(event, pseudonym=self._pseudonyms, mirrored_by=producer)
        # No trace context: a shared trace id would join the mirror to the source record.
        self._pending.append(_row(mirror, topics.BIGDATA_EVENTS, {}))

    async def claim_event(
        self, *, consumer: str, event: Event, topic: str, partition: int | None, offset: int | None
    ) -> bool:
        """Records that ``consumer`` applies ``event``; False if it was applied before."""
        claims = [(event, topic, partition, offset)]
        return event.event_id in await self.claim_events(consumer=consumer, claims=claims)

    async def claim_events(
        self, *, consumer: str, claims: Sequence[tuple[Event, str, int | None, int | None]]
    ) -> set[uuid.UUID]:
        """Records that ``consumer`` applies each (event, topic, partition, offset) in one
        statement; returns the ids not applied before (a batch's inbox, all at once)."""
        rows = {
            event.event_id: {
                "consumer": consumer,
                "event_id": event.event_id,
                "topic": topic,
                "event_type": event.event_type,
                "subject_key": event.subject_key,
                "kafka_partition": partition,
                "kafka_offset": offset,
            }
            for event, topic, partition, offset in reversed(claims)  # the first copy's offset
        }
        stmt = (
            pg_insert(processed_event)
            .on_conflict_do_nothing()
            .returning(processed_event.c.event_id)
        )
        claimed = await self.session.execute(stmt, list(rows.values()))
        return {row.event_id for row in claimed}

    async def commit(self) -> None:
        """Writes queued events to the outbox and commits (inside a joined block: at its end)."""
        if self._depth > 1:
            return
        if self._pending:
            await self.session.execute(insert(outbox_message), self._pending)
        await self.session.commit()
        self._committed = True
        if self._pending and self._on_events_committed is not None:
            self._on_events_committed()
        self._pending = []

    async def rollback(self) -> None:
        """Abandons the transaction and the queued events."""
        await self.session.rollback()
        self._pending = []
