"""Jaeger beside `make up`: its configuration, its trace JSON as a span tree, the CLI's choice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from devstack import cli
from devstack.cli import app
from devstack.spans import format_tree, from_jaeger
from devstack.tracing import Jaeger, JaegerPorts, jaeger_config

pytestmark = pytest.mark.unit

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def _tag(key: str, value: Any) -> dict[str, Any]:
    kinds = {bool: "bool", int: "int64", float: "float64", str: "string"}
    return {"key": key, "type": kinds[type(value)], "value": value}


def _span(span_id: str, name: str, start_us: int, duration_us: int, **rest: Any) -> dict[str, Any]:
    return {
        "traceID": TRACE,
        "spanID": span_id,
        "operationName": name,
        "references": rest.get("references", []),
        "startTime": start_us,
        "duration": duration_us,
        "tags": rest.get("tags", []),
        "logs": [],
        "processID": rest.get("process", "p1"),
        "warnings": None,
    }


def _child_of(span_id: str) -> list[dict[str, str]]:
    return [{"refType": "CHILD_OF", "traceID": TRACE, "spanID": span_id}]


# An OTLP span link: Jaeger lists it as a FOLLOWS_FROM reference.
LINK = {"refType": "FOLLOWS_FROM", "traceID": TRACE, "spanID": "1111111111111111"}

# Shaped like Jaeger's /api/traces/<id> answer (its v1 JSON model): times in microseconds,
# span kind and status as tags, services under "processes". Listed out of order on purpose.
SAMPLE: dict[str, Any] = {
    "data": [
        {
            "traceID": TRACE,
            "spans": [
                _span(
                    "00f067aa0ba902b8",
                    "review.decisions.v1 process",
                    1_700_000_000_004_000,
                    1_500,
                    references=[*_child_of("a2fb4a1d1a96d312"), LINK],
                    tags=[_tag("span.kind", "consumer"), _tag("otel.status_code", "ERROR")],
                    process="p2",
                ),
                _span(
                    "b7ad6b7169203331",
                    "POST /applications",
                    1_700_000_000_000_000,
                    12_000,
                    tags=[
                        _tag("span.kind", "server"),
                        _tag("http.route", "/applications"),
                        _tag("http.response.status_code", 201),
                    ],
                ),
                _span(
                    "a2fb4a1d1a96d312",
                    "intake.applications.v1 publish",
                    1_700_000_000_002_000,
                    3_000,
                    references=_child_of("b7ad6b7169203331"),
                    tags=[_tag("span.kind", "producer")],
                ),
                _span(
                    "c0ffee00c0ffee00",
                    "outbox relay",
                    1_700_000_000_003_000,
                    250,
                    references=_child_of("b7ad6b7169203331"),
                    tags=[_tag("error", True)],
                ),
            ],
            "processes": {
                "p1": {"serviceName": "intake", "tags": []},
                "p2": {"serviceName": "review", "tags": []},
            },
            "warnings": None,
        }
    ],
    "total": 0,
    "limit": 0,
    "offset": 0,
    "errors": None,
}


def test_jaeger_json_becomes_the_sinks_span_records() -> None:
    records = from_jaeger(SAMPLE)
    assert [r["span_id"] for r in records] == [
        "b7ad6b7169203331",
        "a2fb4a1d1a96d312",
        "c0ffee00c0ffee00",
        "00f067aa0ba902b8",
    ]
    root = records[0]
    assert root["parent_span_id"] is None
    assert root["start_unix_nano"] == 1_700_000_000_000_000_000
    assert root["end_unix_nano"] - root["start_unix_nano"] == 12_000_000
    assert root["attributes"] == {"http.route": "/applications", "http.response.status_code": 201}
    # CHILD_OF is the parent; a link (FOLLOWS_FROM) is not.
    assert records[3]["parent_span_id"] == "a2fb4a1d1a96d312"


def test_jaeger_trace_prints_as_the_same_tree() -> None:
    assert format_tree(from_jaeger(SAMPLE)).splitlines() == [
        "POST /applications [SERVER] (intake) 12.0 ms"
        "  http.route=/applications http.response.status_code=201",
        "├─ intake.applications.v1 publish [PRODUCER] (intake) 3.0 ms",
        "│  └─ review.decisions.v1 process [CONSUMER] (review) 1.5 ms ERROR",
        "└─ outbox relay [INTERNAL] (intake) 0.2 ms ERROR",
    ]


def test_unknown_trace_has_no_spans() -> None:
    assert from_jaeger({"data": None, "errors": [{"code": 404, "msg": "trace not found"}]}) == []


def _endpoints(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "endpoint":
                yield value
            else:
                yield from _endpoints(value)
    elif isinstance(node, list):
        for item in node:
            yield from _endpoints(item)


def test_jaeger_config_listens_on_loopback_only() -> None:
    config = jaeger_config(JaegerPorts(otlp_http=24318, query_http=26686, query_grpc=26685))
    assert sorted(_endpoints(config)) == [
        "127.0.0.1:24318",
        "127.0.0.1:26685",
        "127.0.0.1:26686",
    ]
    # Every listener is named: Jaeger's defaults would open OTLP/gRPC, Jaeger's and Zipkin's
    # receivers, remote sampling and self-metrics on their own (some on every interface).
    assert list(config["receivers"]["otlp"]["protocols"]) == ["http"]
    assert list(config["receivers"]) == ["otlp"]
    assert config["service"]["extensions"] == ["jaeger_storage", "jaeger_query"]
    assert config["service"]["telemetry"]["metrics"] == {"level": "none"}


def test_cli_trace_reads_jaeger_when_the_stack_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEVSTACK_STATE", str(tmp_path))
    (tmp_path / "shape.json").write_text(
        json.dumps({"kafka_nodes": 1, "instances": 1, "tracing": "jaeger"})
    )
    asked: list[str] = []

    def fetch(self: Jaeger, trace_id: str) -> dict[str, Any]:
        asked.append(trace_id)
        return SAMPLE if trace_id == TRACE else {"data": []}

    monkeypatch.setattr(Jaeger, "fetch_trace", fetch)
    result = CliRunner().invoke(app, ["trace", TRACE])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("POST /applications [SERVER] (intake)")
    assert lines[-1] == f"http://127.0.0.1:16686/trace/{TRACE}"
    missing = CliRunner().invoke(app, ["trace", "cd" * 16])
    assert missing.exit_code == 1
    assert "jaeger" in missing.output
    assert asked == [TRACE, "cd" * 16]


def test_up_takes_jaeger_only_once_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEVSTACK_STATE", str(tmp_path))
    binary = tmp_path / "bin" / "jaeger"
    monkeypatch.setattr(cli, "jaeger_binary", lambda root: binary)
    assert cli._choose_tracing(running=False) == "sink"
    assert "scripts/ensure-jaeger.sh" in capsys.readouterr().out
    binary.parent.mkdir()
    binary.touch()
    assert cli._choose_tracing(running=False) == "jaeger"
    # A running stack keeps what its services export to, until `make down`.
    assert cli._choose_tracing(running=True) == "sink"
    (tmp_path / "shape.json").write_text('{"kafka_nodes": 1, "instances": 1, "tracing": "jaeger"}')
    assert cli._choose_tracing(running=True) == "jaeger"
    assert cli._stack().jaeger is not None
