"""dispatch's reading of messages at each scrape of ``/metrics`` (civic.notify.metrics):
``civic_dispatch_messages{state}``."""

from __future__ import annotations

from civic.metrics import ServiceMetrics
from civic.notify import metrics as notify_metrics
from dispatch.orm_messages import message_tables

NAME = "civic_dispatch_messages"


def install(metrics: ServiceMetrics) -> None:
    """Adds ``civic_dispatch_messages{state}`` to the service's metrics, read per scrape."""
    notify_metrics.install(metrics, message_tables)
