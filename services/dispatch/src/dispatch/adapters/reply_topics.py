"""How providers' answers arrive on Kafka: ONE pattern subscription over every reply topic.

Why a pattern and not a subscriber per provider: a county registers providers while the
service runs, and one consumer per provider would mean one connection and one group
member each. A regex subscription (``provider.<code>.replies.v1``) in group ``dispatch``
picks up a new provider's topic at the next metadata refresh, on every replica, with no
restart; the refresh interval is ``REPLY_TOPIC_REFRESH_MS``. The subscription lives on
its own small broker because the interval is a client setting and the shared broker
keeps Kafka's five-minute default.

A reply is believed only on its owner's topic: a message whose ``provider_code`` is not
the provider the topic belongs to is dead-lettered unread. That is ``sender_mismatch``, the
reply consumer's admission check, which the shared processor runs before anything else.
(Kafka ACLs let each provider write only its own reply topic, so the topic names the
sender: ``civic.bus.grants``.)
The use cases then check that the order belongs to that provider, exactly as for HTTP.
"""

from __future__ import annotations

import re

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider

from civic.bus.access import KafkaAccess
from civic.consumer import Delivery, MessageProcessor
from contracts.registry import ContractError, parse

#: Every provider's reply topic, and nothing else (not their dead-letter topics).
REPLY_PATTERN = r"^provider\.([a-z0-9][a-z0-9-]{1,31})\.replies\.v1$"
_OWNER = re.compile(REPLY_PATTERN)


def reply_topic_owner(topic: str) -> str | None:
    """The provider code a reply topic belongs to, or None for any other topic."""
    match = _OWNER.match(topic)
    return match.group(1) if match else None


def sender_mismatch(delivery: Delivery) -> str | None:
    """The reply consumer's admission check: why a reply is not believed on this topic, or None."""
    try:
        event = parse(delivery.topic, delivery.value)
    except ContractError:
        return None  # the processor dead-letters it with the parse error
    owner = reply_topic_owner(delivery.topic)
    if getattr(event, "provider_code", None) != owner:
        return f"provider_code does not own reply topic {delivery.topic}"
    return None


class ReplyListener:
    """A consumer-only broker with the pattern subscription, fed to dispatch's processor."""

    def __init__(
        self,
        access: KafkaAccess,
        processor: MessageProcessor,
        *,
        refresh_ms: int,
        tracer_provider: TracerProvider,
    ) -> None:
        self.broker = KafkaBroker(
            access.bootstrap,
            security=access.faststream(),
            allow_auto_create_topics=False,
            client_id="dispatch-replies",
            consumer_only=True,
            metadata_max_age_ms=refresh_ms,
            graceful_timeout=15.0,
            middlewares=(KafkaTelemetryMiddleware(tracer_provider=tracer_provider),),
        )
        self._processor = processor
        self.broker.subscriber(
            pattern=REPLY_PATTERN,
            group_id=processor.consumer.group,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            title=f"{processor.consumer.topic}:{processor.consumer.group}",
            description="dispatch reads every provider's answers.",
        )(self._consume)

    async def _consume(self, msg: KafkaMessage) -> None:
        raw = msg.raw_message
        assert not isinstance(raw, tuple)
        delivery = Delivery(
            raw.topic, raw.partition, raw.offset, raw.key, raw.value or b"", dict(msg.headers)
        )
        try:
            await self._processor.process(delivery)
        except BaseException:
            await msg.nack()  # re-read it later rather than commit past it
            raise
        await msg.ack()

    async def start(self) -> None:
        """Connects and starts consuming."""
        await self.broker.start()

    async def stop(self) -> None:
        """Stops consuming and disconnects."""
        await self.broker.stop()
