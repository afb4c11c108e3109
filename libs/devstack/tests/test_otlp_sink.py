from __future__ import annotations

import gzip
import json

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind

from devstack.spans import format_tree, read_spans, spans_for_trace
from devstack.stack import Stack

pytestmark = pytest.mark.integration


def _emit(stack: Stack, compression: Compression) -> tuple[str, str, str]:
    exporter = OTLPSpanExporter(
        endpoint=f"{stack.otlp_endpoint}/v1/traces", compression=compression
    )
    provider = TracerProvider(resource=Resource.create({"service.name": "probe-svc"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("devstack-test")
    with tracer.start_as_current_span("POST /applications", kind=SpanKind.SERVER) as parent:
        parent.set_attribute("http.route", "/applications")
        parent.set_attribute("http.response.status_code", 201)
        with tracer.start_as_current_span(
            "intake.applications.v1 publish", kind=SpanKind.PRODUCER
        ) as child:
            child.set_attribute("messaging.system", "kafka")
            child.set_attribute("retry", False)
            child.set_attribute("ratio", 0.5)
            child.set_attribute("tags", ["a", "b"])
    provider.shutdown()
    ctx_parent, ctx_child = parent.get_span_context(), child.get_span_context()
    return (
        f"{ctx_parent.trace_id:032x}",
        f"{ctx_parent.span_id:016x}",
        f"{ctx_child.span_id:016x}",
    )


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip])
def test_sink_records_spans_from_the_otlp_exporter(stack: Stack, compression: Compression) -> None:
    trace_id, parent_id, child_id = _emit(stack, compression)
    spans = {s["span_id"]: s for s in spans_for_trace(stack.sink_file, trace_id)}
    assert set(spans) == {parent_id, child_id}
    parent, child = spans[parent_id], spans[child_id]
    assert parent["parent_span_id"] is None
    assert child["parent_span_id"] == parent_id
    assert (parent["kind"], child["kind"]) == ("SERVER", "PRODUCER")
    assert parent["service_name"] == child["service_name"] == "probe-svc"
    assert parent["attributes"]["http.response.status_code"] == 201
    assert child["attributes"] == {
        "messaging.system": "kafka",
        "retry": False,
        "ratio": 0.5,
        "tags": '["a", "b"]',
    }
    assert parent["start_unix_nano"] <= child["start_unix_nano"] <= child["end_unix_nano"]
    tree = format_tree(list(spans.values())).splitlines()
    assert tree[0].startswith("POST /applications [SERVER] (probe-svc)")
    assert tree[1].startswith("└─ intake.applications.v1 publish [PRODUCER]")


def test_sink_accepts_otlp_json_and_rejects_garbage(stack: Stack) -> None:
    trace_id, span_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    body = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "js"}}]
                },
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace_id,
                                "spanId": span_id,
                                "name": "GET /x",
                                "kind": 3,
                                "startTimeUnixNano": "1",
                                "endTimeUnixNano": "2",
                                "attributes": [{"key": "n", "value": {"intValue": "7"}}],
                            }
                        ]
                    }
                ],
            }
        ]
    }
    url = f"{stack.otlp_endpoint}/v1/traces"
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    reply = httpx.post(url, content=gzip.compress(json.dumps(body).encode()), headers=headers)
    assert reply.status_code == 200
    [span] = spans_for_trace(stack.sink_file, trace_id)
    assert (span["span_id"], span["kind"], span["service_name"]) == (span_id, "CLIENT", "js")
    assert span["attributes"] == {"n": 7}
    bad = httpx.post(
        url, content=b"\xff\x00garbage", headers={"content-type": "application/x-protobuf"}
    )
    assert bad.status_code == 400
    assert all("trace_id" in s for s in read_spans(stack.sink_file))
