"""Reliable consumption: parse, deduplicate, apply in one transaction, then commit.

One ``TopicConsumer`` per (service, topic) routes events by type to use cases. For
every message the ``MessageProcessor``:

1. asks the consumer's admission check, if it has one, about the raw record (headers and
   bytes: a signature, the sender a topic stands for); a refused message goes straight to
   ``<topic>.dlq`` with the reason, unparsed;
2. parses it against ``libs/contracts``; a message that cannot be parsed goes straight
   to ``<topic>.dlq`` (retrying cannot fix it), but a well-formed event of a type this
   version does not know yet is *parked* (``civic.parking``: kept whole in the service's
   ``parked_message`` table, once however often it is redelivered) until a person re-applies
   it with ``civic-parked reapply`` after the upgrade that knows it;
3. opens a unit of work, records (consumer group, event id) in ``processed_event`` and
   runs the use case in the same transaction (the use case may read the message from
   ``civic.parking.current()`` to park it); a redelivered event finds its row and
   changes nothing;
4. retries a failing use case a few times, then dead-letters it, so one bad event never
   blocks the partition; database or broker outages are retried until they end, since
   dead-lettering every event during an outage would be worse than waiting.

The Kafka offset is committed only after one of those outcomes is durable.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import orjson

from civic import parking
from civic.batches import BatchHandler, EventHandler, apply_in_order
from civic.outages import is_transient
from civic.uow import UnitOfWork
from contracts.envelope import Event
from contracts.registry import ContractError, event_class, parse

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    """What happened to one message."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    PARKED = "parked"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class Delivery:
    """One Kafka record as the processor sees it."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes
    headers: dict[str, str]


#: Looks at a raw record before it is parsed: None admits it, a string is why it is refused.
Admission = Callable[[Delivery], str | None]


@dataclass(frozen=True)
class DeadLetter:
    """A message given up on, with why and after how many attempts."""

    delivery: Delivery
    consumer: str
    error: str
    attempts: int


@dataclass
class TopicConsumer:
    """One service's subscription to one topic, with a use case per event type."""

    topic: str
    group: str
    description: str = ""
    handlers: dict[str, EventHandler] = field(default_factory=dict)
    #: Use cases that take a run of events at once (see ``civic.batches``).
    run_handlers: dict[str, BatchHandler] = field(default_factory=dict)
    #: Checked on every record before parsing; a refusal dead-letters it with the reason.
    admit: Admission | None = None

    def on(self, *event_classes: type[Event]) -> Callable[[EventHandler], EventHandler]:
        """Registers the decorated coroutine as the handler of each of ``event_classes``."""
        for event_cls in event_classes:
            if self.topic != event_cls.TOPIC:
                raise ValueError(f"{event_cls.__name__} is published on {event_cls.TOPIC}")
        event_types = [cls.model_fields["event_type"].default for cls in event_classes]

        def register(fn: EventHandler) -> EventHandler:
            for event_type in event_types:
                self.handlers[event_type] = fn
            return fn

        return register

    def on_batch(self, *event_classes: type[Event]) -> Callable[[BatchHandler], BatchHandler]:
        """Registers a use case that takes a run of consecutive events of ``event_classes``
        at once (in a batch); ``on`` must register the one-event use case too (retries)."""
        event_types = [cls.model_fields["event_type"].default for cls in event_classes]

        def register(fn: BatchHandler) -> BatchHandler:
            for event_type in event_types:
                self.run_handlers[event_type] = fn
            return fn

        return register


def _type_unknown_to_this_version(value: bytes) -> str | None:
    """The event type of a well-formed envelope whose type this build does not know."""
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    kind = data.get("event_type") if isinstance(data, dict) else None
    if not isinstance(kind, str) or "." not in kind or "producer" not in data:
        return None
    try:
        event_class(kind)
    except ContractError:
        return kind
    return None


class MessageProcessor:
    """Applies one delivery exactly once, or dead-letters it."""

    def __init__(
        self,
        consumer: TopicConsumer,
        *,
        uow_factory: Callable[[], UnitOfWork],
        dead_letter: Callable[[DeadLetter], Awaitable[None]],
        max_attempts: int = 5,
        backoff_s: float = 0.2,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.consumer = consumer
        self._uow_factory = uow_factory
        self._dead_letter = dead_letter
        self._max_attempts = max_attempts
        self._backoff_s = backoff_s
        self._max_backoff_s = max_backoff_s

    async def process(self, delivery: Delivery) -> Outcome:
        """Admits, parses, deduplicates and applies ``delivery``; returns what happened."""
        sorted_out = await self._triage(delivery)
        if isinstance(sorted_out, Outcome):
            return sorted_out
        event, handler = sorted_out
        return await self._apply_with_retries(delivery, event, handler)

    async def process_batch(self, deliveries: Sequence[Delivery]) -> list[Outcome]:
        """Applies a batch in one transaction, in order; if any event of it fails, each
        event is applied alone instead (retried, dead-lettered), so none blocks the rest."""
        outcomes: list[Outcome | None] = []
        ready: list[tuple[int, Delivery, Event, EventHandler]] = []
        for index, delivery in enumerate(deliveries):
            sorted_out = await self._triage(delivery)
            if isinstance(sorted_out, Outcome):
                outcomes.append(sorted_out)
            else:
                outcomes.append(None)
                ready.append((index, delivery, *sorted_out))
        if ready:
            try:
                applied = await self._apply_together([item[1:] for item in ready])
            except Exception:
                log.warning(
                    "a batch of %s failed; applying its events one by one",
                    self.consumer.group,
                    exc_info=True,
                )
                applied = [await self._apply_with_retries(*item[1:]) for item in ready]
            for (index, *_), outcome in zip(ready, applied, strict=True):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def _triage(self, delivery: Delivery) -> Outcome | tuple[Event, EventHandler]:
        """What to do with a record before any use case runs: refuse, park, skip, or apply."""
        if (refusal := self._refusal(delivery)) is not None:
            log.warning("refused a message on %s: %s", delivery.topic, refusal)
            await self._give_up(delivery, f"refused: {refusal}", attempts=1)
            return Outcome.DEAD_LETTERED
        try:
            event = parse(delivery.topic, delivery.value)
        except ContractError as exc:
            if newer := _type_unknown_to_this_version(delivery.value):
                # Producers may add event types before consumers learn them: kept, not lost.
                log.warning("parking %s, unknown to this version of the contracts", newer)
                return await self._park(delivery, parking.UNKNOWN_EVENT_TYPE, newer)
            await self._give_up(delivery, f"unparseable: {exc}", attempts=1)
            return Outcome.DEAD_LETTERED
        handler = self.consumer.handlers.get(event.event_type)
        if handler is None:
            return Outcome.IGNORED
        return event, handler

    def _refusal(self, delivery: Delivery) -> str | None:
        if self.consumer.admit is None:
            return None
        try:
            return self.consumer.admit(delivery)
        except Exception as exc:
            # A check that cannot decide refuses: retrying the same bytes cannot change that.
            log.exception("the admission check of %s failed", self.consumer.group)
            return f"admission check failed: {type(exc).__name__}: {exc}"

    async def _apply_with_retries(
        self, delivery: Delivery, event: Event, handler: EventHandler
    ) -> Outcome:
        attempt, outage_wait = 0, self._backoff_s
        while True:
            try:
                return await self._apply(delivery, event, handler)
            except Exception as exc:
                if is_transient(exc):
                    log.warning("infrastructure unavailable; waiting %.1fs", outage_wait)
                    await asyncio.sleep(outage_wait)
                    outage_wait = min(self._max_backoff_s, outage_wait * 2)
                    continue
                attempt += 1
                log.warning(
                    "%s failed on %s (attempt %d)",
                    event.event_type,
                    self.consumer.group,
                    attempt,
                    exc_info=True,
                )
                if attempt >= self._max_attempts:
                    await self._give_up(delivery, f"{type(exc).__name__}: {exc}", attempt)
                    return Outcome.DEAD_LETTERED
                await asyncio.sleep(self._backoff_s * attempt)

    async def _apply(self, delivery: Delivery, event: Event, handler: EventHandler) -> Outcome:
        (outcome,) = await self._apply_together([(delivery, event, handler)])
        return outcome

    async def _apply_together(
        self, items: Sequence[tuple[Delivery, Event, EventHandler]]
    ) -> list[Outcome]:
        """Claims every event id at once and runs each new event's use case, in order, in
        one transaction; an id claimed before (or twice in the batch) is a duplicate."""
        group = self.consumer.group
        async with self._uow_factory() as uow:
            fresh = await uow.claim_events(
                consumer=group,
                claims=[
                    (event, delivery.topic, delivery.partition, delivery.offset)
                    for delivery, event, _ in items
                ],
            )
            outcomes, new = [], []
            for item in items:
                event_id = item[1].event_id
                outcomes.append(Outcome.APPLIED if event_id in fresh else Outcome.DUPLICATE)
                if event_id in fresh:
                    new.append(item)
                    fresh.discard(event_id)  # a second copy in the same batch is a duplicate
            await apply_in_order(uow, new, group=group, runs=self.consumer.run_handlers)
            if not uow.committed:
                await uow.commit()
        return outcomes

    async def _park(self, delivery: Delivery, reason: str, event_type: str) -> Outcome:
        """Parks the message once (waiting out outages); dead-letters it if it cannot be."""
        wait = self._backoff_s
        while True:
            try:
                async with self._uow_factory() as uow:
                    await parking.park(uow, delivery, self.consumer.group, reason, event_type)
                    await uow.commit()
                return Outcome.PARKED
            except Exception as exc:
                if not is_transient(exc):
                    log.exception("cannot park a message from %s", delivery.topic)
                    await self._give_up(delivery, f"{reason}: {event_type}; not parked: {exc}", 1)
                    return Outcome.DEAD_LETTERED
                log.warning("database unavailable; parking again in %.1fs", wait)
                await asyncio.sleep(wait)
                wait = min(self._max_backoff_s, wait * 2)

    async def _give_up(self, delivery: Delivery, error: str, attempts: int) -> None:
        letter = DeadLetter(delivery, self.consumer.group, error[:2000], attempts)
        wait = self._backoff_s
        while True:
            try:
                await self._dead_letter(letter)
                log.error("dead-lettered a message from %s: %s", delivery.topic, letter.error)
                return
            except Exception:
                log.exception("cannot write the dead letter; retrying in %.1fs", wait)
                await asyncio.sleep(wait)
                wait = min(self._max_backoff_s, wait * 2)
