"""Composition root of the archive service."""

from __future__ import annotations

from archive.adapters import sealing
from archive.adapters.numbering import CounterNumbers
from archive.consumers import build_consumers
from archive.context import ArchiveContext
from archive.settings import Settings
from civic.runtime import Runtime, build_runtime
from contracts import topics

#: Topics this service publishes (through its outbox).
PRODUCES: tuple[str, ...] = (topics.ARCHIVE_FILES, topics.BIGDATA_EVENTS, topics.AUDIT_READS)


def build_context(settings: Settings) -> ArchiveContext:
    """The use cases' dependencies for the live service."""
    return ArchiveContext(settings=settings, numbers=CounterNumbers())


def build(settings: Settings, context: ArchiveContext | None = None) -> Runtime:
    """Wires the archive service from its settings."""
    ctx = context or build_context(settings)
    runtime = build_runtime(settings, consumers=build_consumers(ctx), produces=PRODUCES)
    # Loaded before the service serves or consumes (civic.app): personal data is sealed.
    runtime.keys = sealing.make_keeper(settings, runtime.engine)
    return runtime
