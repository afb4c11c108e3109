"""Composition root of the dispatch service: the one place where things are wired."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Union

from faststream import AckPolicy

from civic.background import BackgroundJob
from civic.consumer import MessageProcessor, TopicConsumer
from civic.kafka import DeadLetterPublisher
from civic.runtime import Runtime, build_runtime
from contracts import topics
from contracts.registry import event_class
from dispatch.adapters import complaint_metrics, messages_metrics, sealing
from dispatch.adapters.metrics import read_unacknowledged_changes
from dispatch.adapters.provider_bus import ProviderBus
from dispatch.adapters.reply_topics import ReplyListener, sender_mismatch
from dispatch.consumers import build_consumers
from dispatch.handlers import Timing
from dispatch.handlers.providers import repair_provider_bus
from dispatch.jobs.watcher import DeadlineWatcher
from dispatch.settings import Settings

log = logging.getLogger(__name__)

#: Topics this service publishes (through its outbox); provider topics by their family.
PRODUCES: tuple[str, ...] = (
    topics.DISPATCH_PROVIDERS,
    topics.DISPATCH_ORDERS,
    topics.PROVIDER_ORDERS_FAMILY,
    topics.DISPATCH_SERVICES,
    topics.DISPATCH_DOORBELL,
    topics.DISPATCH_COMPLAINTS,
    topics.BIGDATA_EVENTS,
    topics.AUDIT_READS,
)


@dataclass
class Dispatch:
    """Everything one dispatch process holds besides the shared runtime."""

    runtime: Runtime
    settings: Settings
    timing: Timing
    provider_bus: ProviderBus
    replies: ReplyListener | None
    watcher: DeadlineWatcher


def timing_of(settings: Settings) -> Timing:
    """The use cases' deadlines from the settings."""
    return Timing(
        order_response=timedelta(seconds=settings.order_response_s),
        doorbell_answer=timedelta(seconds=settings.doorbell_ack_s),
        record_clock_skew=timedelta(seconds=settings.record_clock_skew_s),
        change_acknowledgement=timedelta(seconds=settings.change_ack_s),
    )


def build(settings: Settings) -> Dispatch:
    """Wires the dispatch service from its settings."""
    timing = timing_of(settings)
    consumers = build_consumers(timing)
    # A topic family ("provider.*.replies.v1") is no topic name: it is read by pattern below.
    fixed = [c for c in consumers if "*" not in c.topic]
    runtime = build_runtime(settings, consumers=fixed, produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): contact details are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    runtime.metrics.readings.append(read_unacknowledged_changes)
    complaint_metrics.install(runtime.metrics)
    messages_metrics.install(runtime.metrics)
    families = [c for c in consumers if "*" in c.topic]
    replies = None
    for family in families:
        if settings.asyncapi_docs:
            _document_family(runtime, family)
        else:
            replies = _reply_listener(runtime, settings, family)
    admin = ProviderBus(
        settings.provisioner_access(),
        partitions=settings.provider_topic_partitions,
        replication=settings.provider_topic_replication,
    )
    watcher = DeadlineWatcher(runtime.uow, interval_s=settings.deadline_poll_s)
    return Dispatch(runtime, settings, timing, admin, replies, watcher)


def _reply_listener(runtime: Runtime, settings: Settings, family: TopicConsumer) -> ReplyListener:
    # A reply is believed only on its owner's topic: checked before the processor parses it.
    family = dataclasses.replace(family, admit=sender_mismatch)
    processor = MessageProcessor(
        family,
        uow_factory=runtime.uow,
        dead_letter=DeadLetterPublisher(runtime.broker),
        max_attempts=settings.consumer_max_attempts,
        backoff_s=settings.consumer_retry_backoff_s,
    )
    runtime.processors.append(processor)
    return ReplyListener(
        settings.kafka_access(),
        processor,
        refresh_ms=settings.reply_topic_refresh_ms,
        tracer_provider=runtime.tracer_provider,
    )


def _document_family(runtime: Runtime, family: TopicConsumer) -> None:
    # For AsyncAPI only (never started): the pattern subscription, typed with what it reads.
    handled: Any = tuple(event_class(t) for t in family.handlers)

    async def documented(body: Any) -> None:
        """Documentation only."""

    documented.__annotations__ = {"body": Union[handled]}  # noqa: UP007
    runtime.broker.subscriber(
        pattern="provider.{provider_code}.replies.v1",
        group_id=family.group,
        ack_policy=AckPolicy.MANUAL,
        title=f"{family.topic}:{family.group}",
        description=f"{family.description} Handles {', '.join(e.__name__ for e in handled)}.",
    )(documented)


def background_jobs(parts: Dispatch) -> list[BackgroundJob]:
    """What dispatch runs beside HTTP and the shared consumers (the Kafka parts once the
    broker answers: dispatch starts and serves while Kafka is away)."""

    async def open_provider_topics(runtime: Runtime) -> None:
        await runtime.bus_connected.wait()
        while True:
            try:
                created = await repair_provider_bus(uow=runtime.uow(), bus=parts.provider_bus)
            except Exception:
                log.exception("repairing providers' topics and ACLs failed; trying again")
                await asyncio.sleep(5)
                continue
            if created:
                log.warning("re-created missing provider topics: %s", ", ".join(created))
            return

    async def listen_to_replies(runtime: Runtime) -> None:
        if parts.replies is None:
            return
        await runtime.bus_connected.wait()
        await parts.replies.start()
        try:
            await asyncio.Event().wait()  # until the service stops
        finally:
            await parts.replies.stop()

    async def watch_deadlines(runtime: Runtime) -> None:
        await parts.watcher.run()

    return [open_provider_topics, listen_to_replies, watch_deadlines]
