"""Composition root of the archive service."""

from __future__ import annotations

from archive.consumers import build_consumers
from archive.settings import Settings
from civic.runtime import Runtime, build_runtime

#: Topics this service publishes (through its outbox).
PRODUCES: tuple[str, ...] = ()


def build(settings: Settings) -> Runtime:
    """Wires the archive service from its settings."""
    return build_runtime(settings, consumers=build_consumers(), produces=PRODUCES)
