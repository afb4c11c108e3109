"""Composition root of the review service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from contracts import topics
from review.consumers import build_consumers
from review.settings import Settings

#: Topics this service publishes (through its outbox); review.recipient-status.v1 joins
#: with status changes (issue 7).
PRODUCES: tuple[str, ...] = (topics.REVIEW_DECISIONS,)


def build(settings: Settings) -> Runtime:
    """Wires the review service from its settings."""
    return build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
