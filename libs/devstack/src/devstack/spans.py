"""Reading the span file written by the OTLP sink (or Jaeger's JSON for a trace), and printing
a trace as a tree."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

TREE_ATTRIBUTES = (
    "http.request.method",
    "http.method",
    "http.route",
    "http.response.status_code",
    "http.status_code",
    "messaging.destination.name",
    "db.operation.name",
    "db.statement",
)


def read_spans(path: Path) -> list[dict[str, Any]]:
    """Every span in the JSON-lines file (missing file: none; a torn last line is skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    spans = []
    for line in text.splitlines():
        if line.strip():
            try:
                spans.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a writer may be mid-append
    return spans


def spans_for_trace(path: Path, trace_id: str) -> list[dict[str, Any]]:
    """The spans of one trace, oldest first."""
    wanted = trace_id.lower()
    found = [s for s in read_spans(path) if s.get("trace_id") == wanted]
    return sorted(found, key=lambda s: s.get("start_unix_nano", 0))


def _label(span: dict[str, Any]) -> str:
    duration_ms = (span.get("end_unix_nano", 0) - span.get("start_unix_nano", 0)) / 1e6
    attrs = span.get("attributes") or {}
    shown = [f"{key}={attrs[key]}" for key in TREE_ATTRIBUTES if key in attrs]
    status = " ERROR" if span.get("status") == "ERROR" else ""
    extra = f"  {' '.join(shown)}" if shown else ""
    return (
        f"{span.get('name')} [{span.get('kind')}] ({span.get('service_name')}) "
        f"{duration_ms:.1f} ms{status}{extra}"
    )


def format_tree(spans: list[dict[str, Any]]) -> str:
    """Renders spans as an indented parent/child tree; orphans become roots."""
    by_id = {s["span_id"]: s for s in spans}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for span in sorted(spans, key=lambda s: s.get("start_unix_nano", 0)):
        parent = span.get("parent_span_id")
        children[parent if parent in by_id else None].append(span)
    lines: list[str] = []

    def walk(span: dict[str, Any], prefix: str, last: bool, root: bool) -> None:
        branch = "" if root else ("└─ " if last else "├─ ")
        lines.append(prefix + branch + _label(span))
        below = children.get(span["span_id"], [])
        deeper = prefix if root else prefix + ("   " if last else "│  ")
        for index, child in enumerate(below):
            walk(child, deeper, index == len(below) - 1, False)

    for root in children.get(None, []):
        walk(root, "", True, True)
    return "\n".join(lines)


def print_trace(path: Path, trace_id: str) -> str:
    """The tree of one trace as text ('' when the trace has no spans yet)."""
    spans = spans_for_trace(path, trace_id)
    return format_tree(spans) if spans else ""


def _jaeger_tags(tags: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {tag["key"]: tag.get("value") for tag in tags or []}


def _jaeger_parent(span: dict[str, Any]) -> str | None:
    # OTLP's parent becomes a CHILD_OF reference; links become FOLLOWS_FROM ones.
    refs = span.get("references") or []
    for ref in refs:
        if ref.get("refType") == "CHILD_OF":
            return str(ref["spanID"])
    return None


def _jaeger_span(span: dict[str, Any], services: dict[str, str]) -> dict[str, Any]:
    tags = _jaeger_tags(span.get("tags"))
    kind = str(tags.pop("span.kind", "internal")).upper()
    status = str(tags.get("otel.status_code", "UNSET")).upper()
    if tags.get("error") is True:
        status = "ERROR"
    start_ns = int(span.get("startTime", 0)) * 1000  # Jaeger counts microseconds
    return {
        "trace_id": str(span["traceID"]).zfill(32),  # Jaeger drops a zero high half
        "span_id": str(span["spanID"]),
        "parent_span_id": _jaeger_parent(span),
        "name": span.get("operationName"),
        "kind": kind,
        "service_name": services.get(span.get("processID", "")),
        "start_unix_nano": start_ns,
        "end_unix_nano": start_ns + int(span.get("duration", 0)) * 1000,
        "status": status,
        "attributes": tags,
    }


def from_jaeger(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Jaeger's ``/api/traces/<id>`` JSON -> the sink's span records, oldest first."""
    records: list[dict[str, Any]] = []
    for trace in payload.get("data") or []:
        processes = trace.get("processes") or {}
        services = {key: process.get("serviceName") for key, process in processes.items()}
        records.extend(_jaeger_span(span, services) for span in trace.get("spans") or [])
    return sorted(records, key=lambda s: s["start_unix_nano"])
