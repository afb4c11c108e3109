"""The Kafka side of a service: broker, subscribers, dead letters, outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Union

from aiokafka import AIOKafkaProducer
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.publisher.producer import AioKafkaFastProducerImpl
from opentelemetry.sdk.trace import TracerProvider

from civic import clock
from civic.bus.access import KafkaAccess
from civic.consumer import DeadLetter, Delivery, MessageProcessor
from civic.metrics import ServiceMetrics
from civic.outbox import OutboxRow
from contracts import topics
from contracts.registry import event_class, events_on

DLQ_HEADER_PREFIX = "x-dlq-"
#: How long a replaced producer may take to flush what it still holds before it is dropped.
OLD_PRODUCER_STOP_S = 10.0

log = logging.getLogger(__name__)


def make_broker(
    access: KafkaAccess, *, client_id: str, tracer_provider: TracerProvider, for_docs: bool = False
) -> KafkaBroker:
    """Builds the broker: SCRAM over TLS, acks from all replicas, idempotent producer."""
    # aiokafka defaults to acks=1 without idempotence; a lost or doubled event here
    # would be a lost stop order or a doubled payment.
    return KafkaBroker(
        access.servers,
        security=access.faststream(for_docs=for_docs),
        # Topics are provisioned with their ACLs; a service may not (and need not) create any.
        allow_auto_create_topics=False,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=1,
        graceful_timeout=15.0,
        middlewares=(KafkaTelemetryMiddleware(tracer_provider=tracer_provider),),
    )


def subscribe(
    broker: KafkaBroker,
    processor: MessageProcessor,
    *,
    for_docs: bool = False,
    metrics: ServiceMetrics | None = None,
    batching: Batching | None = None,
) -> None:
    """Registers the processor's consumer on the broker: ``batching.workers`` consumers in
    the consumer's group (partitions are shared out between them, each partition's order
    kept), each taking what the broker has, up to ``batching.max_records``, as one batch;
    offsets are committed after the batch is durable."""
    consumer = processor.consumer
    if for_docs:
        _subscribe_typed_for_docs(broker, processor)
        return
    batching = batching or Batching()

    async def consume(msg: KafkaMessage) -> None:
        records = msg.raw_message
        batch = records if isinstance(records, tuple) else (records,)
        deliveries = [_delivery(record) for record in batch]
        try:
            outcomes = await processor.process_batch(deliveries)
        except BaseException:
            # Re-read these records later instead of committing past them.
            await msg.nack()
            raise
        await msg.ack()
        if metrics is not None:
            for delivery, outcome in zip(deliveries, outcomes, strict=True):
                metrics.message(topic=delivery.topic, group=consumer.group, outcome=outcome.value)

    consume.__doc__ = consumer.description or f"{consumer.group} consumes {consumer.topic}."
    for worker in range(batching.workers):
        broker.subscriber(
            consumer.topic,
            group_id=consumer.group,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            batch=True,
            max_records=batching.max_records,
            batch_timeout_ms=batching.wait_ms,
            title=f"{consumer.topic}:{consumer.group}:{worker}",
            description=consume.__doc__,
            include_in_schema=worker == 0,
        )(consume)


@dataclass(frozen=True)
class Batching:
    """How a service takes its topics: consumers per topic, records per batch, wait."""

    workers: int = 1
    max_records: int = 500
    #: How long an idle consumer waits for records, then rests, before asking again: the
    #: longest a record that finds its consumer resting waits before it is taken.
    wait_ms: int = 20


def _delivery(record: Any) -> Delivery:
    return Delivery(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=record.key,
        value=record.value or b"",
        headers={name: value.decode("utf-8", "replace") for name, value in record.headers or ()},
    )


def _subscribe_typed_for_docs(broker: KafkaBroker, processor: MessageProcessor) -> None:
    # The live subscriber takes raw bytes (it must dead-letter what does not parse), so
    # FastStream cannot see which events it reads; the documentation broker, never
    # started, registers the same subscription typed with the handled event classes.
    consumer = processor.consumer
    handled = tuple(event_class(t) for t in consumer.handlers)
    if not handled:
        return

    async def documented(body: Any) -> None:
        """Documentation only."""

    documented.__annotations__ = {"body": Union[handled], "return": None}  # noqa: UP007
    description = consumer.description or f"{consumer.group} consumes {consumer.topic}."
    names = ", ".join(e.__name__ for e in handled)
    broker.subscriber(
        consumer.topic,
        group_id=consumer.group,
        title=f"{consumer.topic}:{consumer.group}",
        description=f"{description} Handles {names}.",
    )(documented)


class DeadLetterPublisher:
    """Writes a given-up message to ``<topic>.dlq`` with its headers and the error."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def __call__(self, letter: DeadLetter) -> None:
        """Publishes the dead letter and waits for the broker's acknowledgement."""
        d = letter.delivery
        headers = {k: v for k, v in d.headers.items() if not k.startswith(DLQ_HEADER_PREFIX)}
        headers.update(
            {
                "x-dlq-original-topic": d.topic,
                "x-dlq-original-partition": str(d.partition),
                "x-dlq-original-offset": str(d.offset),
                "x-dlq-consumer-group": letter.consumer,
                "x-dlq-error": letter.error,
                "x-dlq-attempts": str(letter.attempts),
                "x-dlq-failed-at": clock.now().isoformat(),
            }
        )
        await self._broker.publish(d.value, topics.dlq(d.topic), key=d.key, headers=headers)


def outbox_sender(broker: KafkaBroker) -> Any:
    """Returns the relay's sender: publish without waiting, hand back the ack future."""

    async def send(row: OutboxRow) -> Awaitable[Any]:
        result = await broker.publish(
            row.payload.encode(),
            row.topic,
            key=row.key.encode(),
            headers={"x-event-type": row.event_type, "x-event-id": row.event_id},
            correlation_id=row.event_id,
            no_confirm=True,
        )
        return result  # type: ignore[no-any-return]

    return send


def producer_resetter(
    broker: KafkaBroker, *, metrics: ServiceMetrics | None = None
) -> Callable[[], Awaitable[None]]:
    """Returns the relay's producer reset: a new idempotent producer (so a new producer id)
    takes the broker's old one's place; consumers and the admin client are not touched."""

    async def reset() -> None:
        if await _replace_producer(broker) and metrics is not None:
            metrics.outbox_producer_resets.inc()

    return reset


async def _replace_producer(broker: KafkaBroker) -> bool:
    # FastStream keeps one producer wrapper for every publish of the broker and hands each
    # send to whatever AIOKafkaProducer it holds; connect() starts a new one and swaps it in.
    # It is built from the broker's own connection settings, as FastStream's connect does.
    wrapper = broker.config.broker_config.producer
    if not isinstance(wrapper, AioKafkaFastProducerImpl) or not wrapper:
        return False  # never connected (documentation or test broker): nothing to replace
    old, fresh = wrapper._producer, AIOKafkaProducer(**broker._connection_kwargs)
    try:
        await wrapper.connect(fresh, serializer=wrapper.serializer, codec=wrapper.codec)
    except BaseException:
        with contextlib.suppress(Exception):
            await fresh.stop()
        raise  # the old one stays in place; the relay tries again after its backoff
    try:
        # Flushes what others (dead letters) still have in it; bounded, as a producer in
        # this state may retry a batch for ever.
        await asyncio.wait_for(old.stop(), OLD_PRODUCER_STOP_S)
    except Exception as exc:
        log.warning("the replaced Kafka producer did not stop cleanly: %r", exc)
    return True


def declare_publishers(broker: KafkaBroker, produced_topics: tuple[str, ...]) -> None:
    """Declares what the service publishes, so AsyncAPI documents each topic's events."""
    for topic in produced_topics:
        events = events_on(topic)
        schema: Any = Union[tuple(events)] if events else None  # noqa: UP007
        names = ", ".join(e.__name__ for e in events)
        broker.publisher(
            topic, title=f"{topic}:publish", description=f"Publishes {names}.", schema=schema
        )
