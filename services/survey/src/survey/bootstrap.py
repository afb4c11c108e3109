"""Composition root of the survey service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from contracts import topics
from survey.adapters import sealing
from survey.consumers import build_consumers
from survey.settings import Settings

#: Topics this service publishes (through its outbox).
PRODUCES: tuple[str, ...] = (topics.SURVEY_SURVEYS, topics.BIGDATA_EVENTS, topics.AUDIT_READS)


def build(settings: Settings) -> Runtime:
    """Wires the survey service from its settings."""
    consumers = build_consumers(due_days=settings.survey_due_days)
    runtime = build_runtime(settings, consumers=consumers, produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): findings are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    return runtime
