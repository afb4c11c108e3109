"""Parked messages: consumed messages no code could act on, kept whole for a person.

A message is parked in the ``parked_message`` table of the consuming service's database,
with the reason, instead of being ignored or only logged: a type this version of the
contracts does not know (``civic.consumer`` does it), or a refusal a use case decided that
somebody must look at (a use case does it with ``park``, reading the message it is applying
from ``current()``). Parking is idempotent on redelivery: one row per (consumer group,
topic, partition, offset). The offset is then committed, so the partition keeps flowing.

``civic-parked`` (``civic.parked_cli``) lists them, re-applies one (its original bytes and
headers, back to its topic) or closes one with a note; ``civic_parked_messages`` counts the
open ones at ``/metrics``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert

from civic.messaging_tables import parked_message
from civic.uow import UnitOfWork

if TYPE_CHECKING:
    from civic.consumer import Delivery

#: The header a re-applied message carries: ``parked:<id>`` of the row it came from.
REAPPLIED_HEADER = "x-reapplied-from"
#: Why a message of a type this build does not know was parked.
UNKNOWN_EVENT_TYPE = "unknown_event_type"
#: Stands for a partition or offset a delivery did not have (only in tests).
_NO_POSITION = -1


@dataclass(frozen=True)
class Consumed:
    """The message a consumer group is applying right now."""

    delivery: Delivery
    consumer: str


_current: ContextVar[Consumed | None] = ContextVar("civic_consumed", default=None)


def current() -> Consumed | None:
    """The Kafka message being applied in this task, or None (an HTTP request, a job)."""
    return _current.get()


@contextlib.contextmanager
def consuming(delivery: Delivery, consumer: str) -> Iterator[None]:
    """Makes ``delivery`` the current message while its use case runs."""
    token = _current.set(Consumed(delivery, consumer))
    try:
        yield
    finally:
        _current.reset(token)


async def park(
    uow: UnitOfWork, delivery: Delivery, consumer: str, reason: str, event_type: str | None
) -> bool:
    """Keeps ``delivery`` whole in parked_message, in the unit of work; False if kept before."""
    stmt = (
        insert(parked_message)
        .values(
            consumer=consumer,
            topic=delivery.topic,
            kafka_partition=_position(delivery.partition),
            kafka_offset=_position(delivery.offset),
            key=delivery.key,
            value=delivery.value,
            headers=delivery.headers,
            event_type=event_type,
            reason=reason[:2000],
        )
        .on_conflict_do_nothing(
            index_elements=["consumer", "topic", "kafka_partition", "kafka_offset"]
        )
        .returning(parked_message.c.id)
    )
    return (await uow.session.execute(stmt)).first() is not None


async def park_current(uow: UnitOfWork, reason: str, event_type: str | None) -> bool:
    """Parks the message being applied (see ``current``); False outside a consumer."""
    found = current()
    if found is None:
        return False
    return await park(uow, found.delivery, found.consumer, reason, event_type)


async def resolve_reapplied(uow: UnitOfWork, delivery: Delivery, consumer: str) -> None:
    """Closes this consumer's open rows of the same message once a re-applied copy is applied."""
    if REAPPLIED_HEADER not in delivery.headers:
        return
    t = parked_message.c
    await uow.session.execute(
        update(parked_message)
        .where(
            t.consumer == consumer,
            t.topic == delivery.topic,
            t.value == delivery.value,
            t.resolved_at.is_(None),
        )
        .values(resolved_at=func.now(), resolution="applied")
    )


def _position(value: int | None) -> int:
    return _NO_POSITION if value is None else value
