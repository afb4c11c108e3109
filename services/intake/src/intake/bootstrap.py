"""Composition root of the intake service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from contracts import topics
from intake import sealing
from intake.consumers import build_consumers
from intake.settings import Settings

#: Topics this service publishes (through its outbox): its own stream and the minimised mirror.
PRODUCES: tuple[str, ...] = (topics.INTAKE_APPLICATIONS, topics.BIGDATA_EVENTS)


def build(settings: Settings) -> Runtime:
    """Wires the intake service from its settings."""
    sealing.configure(settings.sealing_key())
    return build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
