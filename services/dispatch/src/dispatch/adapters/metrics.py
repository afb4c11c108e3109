"""dispatch's own reading at each scrape of ``/metrics``: changes providers owe an answer to."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from civic import clock
from civic.metrics import ServiceMetrics
from dispatch.repository import changes


async def read_unacknowledged_changes(metrics: ServiceMetrics, session: AsyncSession) -> None:
    """Sets ``civic_dispatch_order_changes_unacknowledged`` from ``order_change`` now."""
    # The service's clock, as the deadline watcher uses: the same rows are overdue for both.
    counts = await changes.unacknowledged_counts(session, clock.now())
    gauge = metrics.changes_unacknowledged
    gauge.clear()  # a combination nobody owes any more disappears instead of staying stale
    for kind, reason, escalated, count in counts:
        gauge.labels(kind, reason, "true" if escalated else "false").set(count)
