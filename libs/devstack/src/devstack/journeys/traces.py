"""Reads the spans the services exported over OTLP to the stack's span sink."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from devstack.spans import read_spans


def new_traceparent() -> tuple[str, str]:
    """Returns (trace id, traceparent header) for a request that starts a known trace."""
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def spans_of(sink: Path, trace_id: str) -> list[dict[str, Any]]:
    """Every exported span of one trace."""
    if not os.path.exists(sink):
        return []
    return [s for s in read_spans(sink) if s["trace_id"] == trace_id]


def services_in(spans: list[dict[str, Any]], kind: str) -> set[str]:
    """The services that emitted spans of ``kind`` (SERVER, CONSUMER, PRODUCER…)."""
    return {s["service_name"] for s in spans if s["kind"] == kind}
