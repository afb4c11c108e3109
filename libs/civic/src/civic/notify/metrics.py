"""A service's reading of its messages at each scrape of ``/metrics``: how many are in each
state (``failed`` is what staff must act on; a growing ``pending`` is a gateway that is down)."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from civic.metrics import ServiceMetrics
from civic.notify import store
from civic.notify.rules import MessageState
from civic.notify.tables import MessageTables


def install(metrics: ServiceMetrics, tables: MessageTables) -> str:
    """Adds ``civic_<service>_messages{state}`` to the service's metrics; returns its name."""
    name = f"civic_{tables.service}_messages"
    gauge = Gauge(
        name,
        "Messages to people's phones by state (pending, sent, delivered, undeliverable,"
        f" failed). Read from {tables.service}'s database at each scrape.",
        ["state"],
        registry=metrics.registry,
    )

    async def read_messages(_: ServiceMetrics, session: AsyncSession) -> None:
        counts = await store.state_counts(session, tables)
        for state in MessageState:
            gauge.labels(state.value).set(counts.get(state.value, 0))

    metrics.readings.append(read_messages)
    return name
