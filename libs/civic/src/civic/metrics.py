"""Prometheus metrics of one service: HTTP answers, what happened to each Kafka message, the
outbox's backlog and the dead letters waiting — what county IT watches to know events flow.

Each service process keeps its own registry (tests run several apps in one process), served
at ``/metrics``. Labels are route templates, topics and outcomes: never ids or personal data.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TYPE = CONTENT_TYPE_LATEST
_BACKLOG = text(
    "select count(*) filter (where parked_at is null),"
    " coalesce(extract(epoch from now() - min(created_at) filter (where parked_at is null)), 0),"
    " count(*) filter (where parked_at is not null)"
    " from outbox_message where published_at is null"
)
_PARKED_MESSAGES = text("select count(*) from parked_message where resolved_at is null")
#: A service's own scrape-time reading: sets some of these gauges from its database.
Reading = Callable[["ServiceMetrics", AsyncSession], Awaitable[None]]


class ServiceMetrics:
    """The counters, histogram and gauges of one service process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "civic_http_requests",
            "HTTP requests answered, by route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_seconds = Histogram(
            "civic_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.messages = Counter(
            "civic_kafka_messages",
            "Kafka messages consumed: applied, duplicate, ignored, parked or dead_lettered.",
            ["topic", "group", "outcome"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            "civic_outbox_pending_events",
            "Events committed with their state change but not yet published to Kafka.",
            registry=self.registry,
        )
        self.outbox_oldest = Gauge(
            "civic_outbox_oldest_pending_seconds",
            "Age of the oldest event not yet published (0 when none waits).",
            registry=self.registry,
        )
        self.outbox_parked = Gauge(
            "civic_outbox_parked_events",
            "Events Kafka refused too often to keep trying; see `civic-outbox list`.",
            registry=self.registry,
        )
        self.outbox_producer_resets = Counter(
            "civic_outbox_producer_resets",
            "Kafka producers the outbox relay replaced after an error aiokafka's idempotent"
            " producer never recovers from (out-of-order sequence, unknown producer id).",
            registry=self.registry,
        )
        self.kafka_up = Gauge(
            "civic_kafka_up",
            "1 while the Kafka broker answers this service, 0 while it does not.",
            registry=self.registry,
        )
        self.dlq_depth = Gauge(
            "civic_dlq_depth",
            "Dead letters not yet re-driven, per dead-letter topic of what this service consumes"
            " (end offset minus the offset committed by civic-dlq-redrive; read from Kafka in"
            " the background every 30 s, never during a scrape).",
            ["topic"],
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "civic_kafka_consumer_lag",
            "Messages on a partition this service's consumer group has not committed past"
            " (end offset minus committed offset; read from Kafka in the background every"
            " 30 s, never during a scrape).",
            ["topic", "group", "partition"],
            registry=self.registry,
        )
        self.parked_messages = Gauge(
            "civic_parked_messages",
            "Consumed messages waiting for a person to act on them (not yet resolved).",
            registry=self.registry,
        )
        self.changes_unacknowledged = Gauge(
            "civic_dispatch_order_changes_unacknowledged",
            "Order changes (cancelled, paused, resumed) a provider has not acknowledged by"
            " their deadline, by kind, reason code and whether the township was alerted"
            " (dispatch only; read from its database at each scrape).",
            ["kind", "reason", "escalated"],
            registry=self.registry,
        )
        #: What a service reads at each scrape besides the shared tables (see ``Reading``).
        self.readings: list[Reading] = []

    def message(self, *, topic: str, group: str, outcome: str) -> None:
        """Counts one consumed message by what happened to it."""
        self.messages.labels(topic, group, outcome).inc()

    async def render(self, sessionmaker: async_sessionmaker[AsyncSession]) -> bytes:
        """The exposition text, with the outbox backlog read from the database now."""
        async with sessionmaker() as session:
            pending, oldest, parked = (await session.execute(_BACKLOG)).one()
            waiting = (await session.execute(_PARKED_MESSAGES)).scalar_one()
            for read in self.readings:
                await read(self, session)
        self.outbox_pending.set(pending)
        self.outbox_oldest.set(float(oldest))
        self.outbox_parked.set(parked)
        self.parked_messages.set(waiting)
        return generate_latest(self.registry)


class CountHttp:
    """ASGI middleware: times and counts each answer under its route template (a plain ASGI
    layer: Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per request)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Passes the request on; counts its status, or 500 if the app raised."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_status)
        finally:
            self._count(scope, status, time.perf_counter() - started)

    def _count(self, scope: Scope, status: int, elapsed: float) -> None:
        # The router leaves the matched route in the scope it shares with us.
        template = getattr(scope.get("route"), "path", "unmatched")
        if template in ("/metrics", "/healthz", "/readyz"):
            return
        method = scope["method"]
        self.metrics.http_requests.labels(method, template, str(status)).inc()
        self.metrics.http_seconds.labels(method, template).observe(elapsed)
