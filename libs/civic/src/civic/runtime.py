"""The composition root's building blocks: everything one service process holds."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faststream.kafka import KafkaBroker
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from civic import clock
from civic.consumer import MessageProcessor, TopicConsumer
from civic.db import make_engine, make_sessionmaker
from civic.kafka import (
    Batching,
    DeadLetterPublisher,
    declare_publishers,
    make_broker,
    outbox_sender,
    producer_resetter,
    subscribe,
)
from civic.metrics import ServiceMetrics
from civic.outbox import OutboxRelay
from civic.pseudonyms import Pseudonyms
from civic.security import TokenVerifier
from civic.settings import ServiceSettings
from civic.telemetry import instrument_engine, setup_logging, setup_tracing
from civic.uow import UnitOfWork

if TYPE_CHECKING:  # the keeper's job module imports this one
    from civic.sealing.keeper import KeyKeeper


@dataclass
class Runtime:
    """Engine, broker, relay and verifier of one service process."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    relay: OutboxRelay
    verifier: TokenVerifier
    tracer_provider: TracerProvider
    #: The big-data platform's keyed pseudonyms: every unit of work mirrors steps with them.
    pseudonyms: Pseudonyms
    processors: list[MessageProcessor] = field(default_factory=list)
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    #: Set once the broker was started (jobs that need Kafka wait for it).
    bus_connected: asyncio.Event = field(default_factory=asyncio.Event)
    #: Set while the broker answers.
    bus_up: asyncio.Event = field(default_factory=asyncio.Event)
    #: The service's data keys, when it seals personal data (loaded before it serves).
    keys: KeyKeeper | None = None

    def uow(self) -> UnitOfWork:
        """A unit of work that mirrors under the platform's pseudonyms and wakes the relay."""
        return UnitOfWork(
            self.sessionmaker, pseudonyms=self.pseudonyms, on_events_committed=self.relay.wake
        )


def build_runtime(
    settings: ServiceSettings,
    *,
    consumers: Sequence[TopicConsumer] = (),
    produces: tuple[str, ...] = (),
) -> Runtime:
    """Wires one service: tracing, logs, database, broker, consumers and outbox relay."""
    if settings.clock_start is not None:
        # Development and tests only (settings refuse it in staging and production).
        clock.use(settings.clock())
    setup_logging(settings.service_name, settings.log_level)
    provider = setup_tracing(settings.service_name, settings.otel_exporter_otlp_endpoint)
    engine = make_engine(settings.database_dsn(), pool_size=settings.database_pool_size)
    instrument_engine(engine, provider)
    sessionmaker = make_sessionmaker(engine)
    broker = make_broker(
        settings.kafka_access(),
        client_id=settings.service_name,
        tracer_provider=provider,
        for_docs=settings.asyncapi_docs,
    )
    metrics = ServiceMetrics()
    relay = OutboxRelay(
        sessionmaker,
        outbox_sender(broker),
        batch_size=settings.outbox_batch_size,
        idle_poll_s=settings.outbox_idle_poll_s,
        max_attempts=settings.outbox_max_attempts,
        reset_producer=producer_resetter(broker, metrics=metrics),
    )
    verifier = TokenVerifier(
        settings.public_key(), issuer=settings.auth_issuer, audience=settings.auth_audience
    )
    pseudonyms = settings.bigdata_pseudonyms()
    runtime = Runtime(
        settings,
        engine,
        sessionmaker,
        broker,
        relay,
        verifier,
        provider,
        pseudonyms,
        metrics=metrics,
    )
    dead_letters = DeadLetterPublisher(broker)
    batching = Batching(
        workers=settings.consumer_workers,
        max_records=settings.consumer_batch_max_records,
        wait_ms=settings.consumer_batch_wait_ms,
    )
    for consumer in consumers:
        processor = MessageProcessor(
            consumer,
            uow_factory=runtime.uow,
            dead_letter=dead_letters,
            max_attempts=settings.consumer_max_attempts,
            backoff_s=settings.consumer_retry_backoff_s,
        )
        subscribe(
            broker,
            processor,
            for_docs=settings.asyncapi_docs,
            metrics=runtime.metrics,
            batching=batching,
        )
        runtime.processors.append(processor)
    declare_publishers(broker, produces)
    return runtime
