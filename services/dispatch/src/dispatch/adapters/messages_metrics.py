"""dispatch's reading of messages at each scrape of ``/metrics``: how many are in each state
(``failed`` is what staff must act on; a growing ``pending`` is a gateway that is down)."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from civic.metrics import ServiceMetrics
from civic.notify.rules import MessageState
from dispatch.repository import messages

NAME = "civic_dispatch_messages"


def install(metrics: ServiceMetrics) -> None:
    """Adds ``civic_dispatch_messages{state}`` to the service's metrics, read per scrape."""
    gauge = Gauge(
        NAME,
        "Messages to people's phones by state (pending, sent, delivered, undeliverable,"
        " failed). Read from dispatch's database at each scrape.",
        ["state"],
        registry=metrics.registry,
    )

    async def read_messages(_: ServiceMetrics, session: AsyncSession) -> None:
        counts = await messages.state_counts(session)
        for state in MessageState:
            gauge.labels(state.value).set(counts.get(state.value, 0))

    metrics.readings.append(read_messages)
