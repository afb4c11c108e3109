"""Test doubles shared by every service's unit tests: handler rules in milliseconds.

``FakeUnitOfWork`` behaves as ``civic.uow.UnitOfWork`` does without PostgreSQL: blocks on
the same object join, the inner ``commit()`` is a no-op and the outermost block commits or
rolls back; emitted events are published only when the outermost block commits. A service's
``tests/unit/fakes.py`` subclasses it to add its in-memory repositories.

Unlike PostgreSQL, in-memory repositories do not undo their writes on a rollback, so a test
reads ``uow.committed``, ``uow.rolled_back`` and ``uow.events`` to see what a use case kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civic.errors import Conflict
from civic.idempotency import Answer, Retry
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

    async def _begin(self) -> None:
        """Starts an empty block (no session to open)."""
        self._queued, self.rolled_back = [], False

    async def _end(self) -> None:
        """What was not committed is not published."""
        if not self._committed:
            await self.rollback()

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


class FakeAnswers(dict[tuple[str, str], tuple[str, Answer]]):
    """civic's stored answers to Idempotency-Keys: (scope, key) -> (fingerprint, answer)."""

    def replayed(self, retry: Retry | None) -> Answer | None:
        """The first answer to the key; 409 if the key came with a different request."""
        if retry is None or (stored := self.get((retry.scope, retry.key))) is None:
            return None
        fingerprint, answer = stored
        if fingerprint != retry.fingerprint:
            raise Conflict(
                "该 Idempotency-Key 已用于另一份不同的请求", code="idempotency_key_reused"
            )
        return answer

    def remember(self, retry: Retry | None, answer: Answer) -> None:
        """Keeps the answer once under its key (the table's primary key), as jsonb gives it back.

        Through JSON because a replay must rebuild its answer from what the database returns.
        """
        if retry is None:
            return
        if (retry.scope, retry.key) in self:
            raise AssertionError(f"an answer is already stored under {retry.key!r}")
        body = json.loads(json.dumps(answer.body))
        self[(retry.scope, retry.key)] = (retry.fingerprint, Answer(answer.status, body))
