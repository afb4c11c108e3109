"""Test doubles shared by every service's unit tests: handler rules in milliseconds.

``FakeUnitOfWork`` behaves as ``civic.uow.UnitOfWork`` does without PostgreSQL: blocks on
the same object join, the inner ``commit()`` is a no-op and the outermost block commits or
rolls back; emitted events are published only when the outermost block commits. A service's
``tests/unit/fakes.py`` subclasses it to add its in-memory repositories.

Unlike PostgreSQL, in-memory repositories do not undo their writes on a rollback, so a test
reads ``uow.committed``, ``uow.rolled_back`` and ``uow.events`` to see what a use case kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.uow import UnitOfWork
from contracts.envelope import Event


@dataclass(frozen=True)
class Published:
    """An event a committed unit of work published, and the topic it went to."""

    event: Event
    topic: str


class FakeUnitOfWork(UnitOfWork):
    """A joinable unit of work without a database; ``outbox`` holds what commits published.

    ``session`` is whatever the test passes (an in-memory stand-in for the tables, for
    repositories called as ``repo.x(uow.session, ...)``); without one, touching it fails.
    """

    def __init__(self, session: Any = None) -> None:
        super().__init__(cast("async_sessionmaker[AsyncSession]", None))
        self.outbox: list[Published] = []
        self.commits = 0
        self.rolled_back = False
        self._queued: list[Published] = []
        if session is not None:
            self.session = session

    @property
    def events(self) -> list[Event]:
        """The events of every committed block, in the order they were emitted."""
        return [published.event for published in self.outbox]

    @property
    def emitted(self) -> list[dict[str, Any]]:
        """The events queued in the open block, as outbox rows (civic's shape, no payload)."""
        return [
            {
                "event_id": queued.event.event_id,
                "event_type": queued.event.event_type,
                "topic": queued.topic,
                "key": queued.event.subject_key,
            }
            for queued in self._queued
        ]

    def published(self, kind: type[Event]) -> list[Any]:
        """The committed events of one kind."""
        return [event for event in self.events if isinstance(event, kind)]

    async def __aenter__(self) -> Self:
        self._depth += 1
        if self._depth == 1:
            self._queued, self._committed, self.rolled_back = [], False, False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and not self._committed:
            await self.rollback()  # what was not committed is not published

    def emit(self, event: Event, *, topic: str | None = None) -> None:
        """Queues the event until the outermost commit (a topic is required, as civic's)."""
        target = topic or event.TOPIC
        if not target:
            raise ValueError(f"{type(event).__name__} has no topic")
        self._queued.append(Published(event, target))

    async def commit(self) -> None:
        """Publishes the queued events, at the outermost block only (as civic's does)."""
        if self._depth > 1:
            return
        self.outbox += self._queued
        self._queued = []
        self._committed = True
        self.commits += 1

    async def rollback(self) -> None:
        """Drops the queued events."""
        self._queued = []
        self.rolled_back = True
