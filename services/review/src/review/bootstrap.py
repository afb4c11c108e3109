"""Composition root of the review service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from contracts import topics
from review.adapters import sealing
from review.consumers import build_consumers
from review.settings import Settings

#: Topics this service publishes (through its outbox): decisions and status changes.
PRODUCES: tuple[str, ...] = (
    topics.REVIEW_DECISIONS,
    topics.REVIEW_RECIPIENT_STATUS,
    topics.BIGDATA_EVENTS,
    topics.AUDIT_READS,
)


def build(settings: Settings) -> Runtime:
    """Wires the review service from its settings."""
    runtime = build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): notes and reasons are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    return runtime
