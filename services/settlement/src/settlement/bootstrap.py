"""Composition root of the settlement service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from contracts import topics
from settlement.adapters import sealing
from settlement.consumers import build_consumers
from settlement.settings import Settings

#: Topics this service publishes (through its outbox).
PRODUCES: tuple[str, ...] = (
    topics.SETTLEMENT_CATALOGUE,
    topics.SETTLEMENT_LEDGER,
    topics.SETTLEMENT_EVALUATIONS,
    topics.BIGDATA_EVENTS,
    topics.AUDIT_READS,
)


def build(settings: Settings) -> Runtime:
    """Wires the settlement service from its settings."""
    runtime = build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): bank accounts are sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    return runtime
