"""Composition root of the dispatch service."""

from __future__ import annotations

from civic.runtime import Runtime, build_runtime
from dispatch.consumers import build_consumers
from dispatch.settings import Settings

#: Topics this service publishes (through its outbox).
PRODUCES: tuple[str, ...] = ()


def build(settings: Settings) -> Runtime:
    """Wires the dispatch service from its settings."""
    return build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
