"""Unit of work: one database transaction that holds a state change and its events.

Handlers change state through repositories on ``uow.session`` and announce what
happened with ``uow.emit(event)``. ``commit()`` writes the events into the outbox in
the same transaction, so an event exists if and only if its state change does.

A handler always opens its own unit of work (``async with uow: ... await uow.commit()``).
When it is called inside one already open (a consumer has claimed the event in it), the
handler's block joins that transaction: its ``commit()`` is left to the outermost block, so
the claim and the effect commit together. One handler, one contract, from HTTP or Kafka.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, get_args

from opentelemetry import propagate
from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic import clock
from civic.messaging_tables import outbox_message, processed_event
from contracts import topics
from contracts.bigdata import ServiceName, mirror_of
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
        on_events_committed: Callable[[], None] | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
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
        if target != topics.BIGDATA_EVENTS and event.producer in _PLATFORM_SERVICES:
            # Every step is mirrored for the city's big-data platform, minimised to ids
            # and codes, in the same transaction as the step itself.
            # A stable mirror id (derived from the source id) survives a re-emit on retry.
            mirror = mirror_of(event, mirrored_by=event.producer)  # type: ignore[arg-type]
            self._pending.append(_row(mirror, topics.BIGDATA_EVENTS, headers))

    async def claim_event(
        self, *, consumer: str, event: Event, topic: str, partition: int | None, offset: int | None
    ) -> bool:
        """Records that ``consumer`` applies ``event``; False if it was applied before."""
        stmt = (
            pg_insert(processed_event)
            .values(
                consumer=consumer,
                event_id=event.event_id,
                topic=topic,
                event_type=event.event_type,
                subject_key=event.subject_key,
                kafka_partition=partition,
                kafka_offset=offset,
            )
            .on_conflict_do_nothing()
            .returning(processed_event.c.event_id)
        )
        return (await self.session.execute(stmt)).first() is not None

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
