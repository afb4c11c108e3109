"""dispatch's reading of complaints at each scrape of ``/metrics``: open ones past deadline."""

from __future__ import annotations

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession

from civic import clock
from civic.metrics import ServiceMetrics
from contracts.supervision import SupervisionLevel
from dispatch.repository import complaints

NAME = "civic_dispatch_complaints_overdue"


def install(metrics: ServiceMetrics) -> None:
    """Adds ``civic_dispatch_complaints_overdue`` to the service's metrics, read per scrape."""
    gauge = Gauge(
        NAME,
        "Open complaints past the deadline of the level that handles them, by level"
        " (township: about to go to the county; county: overdue at the top). Read from"
        " dispatch's database at each scrape.",
        ["level"],
        registry=metrics.registry,
    )

    async def read_overdue_complaints(_: ServiceMetrics, session: AsyncSession) -> None:
        # The service's clock, as the complaints' watcher uses: the same rows are overdue.
        counts = dict(await complaints.overdue_counts(session, clock.now()))
        for level in (SupervisionLevel.TOWNSHIP, SupervisionLevel.COUNTY):
            gauge.labels(level.value).set(counts.get(level.value, 0))

    metrics.readings.append(read_overdue_complaints)
