"""Running a batch's new events through their use cases, in order, in one transaction.

An event type's use case takes one event (``TopicConsumer.on``); a use case that can take
many at once (``TopicConsumer.on_batch``: one statement for a whole run instead of several
per event) gets each run of consecutive events of its types together, so the order of the
topic is kept: an event of another type in between ends the run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import propagate, trace

from civic import parking
from civic.uow import UnitOfWork
from contracts.envelope import Event

#: A use case of one event: ``handler(event, uow)``.
EventHandler = Callable[[Any, UnitOfWork], Awaitable[None]]
#: A use case of a run of events: ``handler(events, uow)``.
BatchHandler = Callable[[list[Any], UnitOfWork], Awaitable[None]]

#: One record to apply: the record as delivered, its event and its one-event use case.
Item = tuple[Any, Event, EventHandler]


async def apply_in_order(
    uow: UnitOfWork, items: Sequence[Item], *, group: str, runs: dict[str, BatchHandler]
) -> None:
    """Runs ``items`` (new events only) in order inside ``uow``'s transaction."""
    for handler, run in _runs(items, runs):
        if handler is None:
            delivery, event, one = run[0]
            with continuing_trace(delivery, event), parking.consuming(delivery, group):
                await parking.resolve_reapplied(uow, delivery, group)
                await one(event, uow)
            continue
        # One span for the run, in the trace of its first event (the others are linked).
        with continuing_trace(run[0][0], run[0][1], links=[d for d, _, _ in run[1:]]):
            for delivery, _, _ in run:
                await parking.resolve_reapplied(uow, delivery, group)
            await handler([event for _, event, _ in run], uow)


def _runs(
    items: Sequence[Item], runs: dict[str, BatchHandler]
) -> Iterator[tuple[BatchHandler | None, list[Item]]]:
    """Consecutive events sharing a run handler, together; every other event alone."""
    current: list[Item] = []
    current_handler: BatchHandler | None = None
    for item in items:
        handler = runs.get(item[1].event_type)
        if current and (handler is None or handler is not current_handler):
            yield current_handler, current
            current = []
        if handler is None:
            yield None, [item]
            continue
        current_handler = handler
        current.append(item)
    if current:
        yield current_handler, current


def continuing_trace(
    delivery: Any, event: Event, *, links: Sequence[Any] = ()
) -> AbstractContextManager[Any]:
    """A span in the trace the event was sent in, so what its use case emits continues it."""
    linked = [
        trace.Link(trace.get_current_span(propagate.extract(d.headers)).get_span_context())
        for d in links
    ]
    return trace.get_tracer(__name__).start_as_current_span(
        f"{delivery.topic} apply {event.event_type}",
        context=propagate.extract(delivery.headers),
        kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.message.id": str(event.event_id)},
        links=linked,
    )
