"""A tiny OTLP/HTTP trace receiver that appends one JSON line per span to a file.

Run: ``python -m devstack.otlp_sink --port 14318 --out .state/dev/spans.jsonl``.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

KINDS = {0: "INTERNAL", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
STATUSES = {0: "UNSET", 1: "OK", 2: "ERROR"}
HEX_ID_KEYS = frozenset({"traceId", "spanId", "parentSpanId"})
PROTOBUF = "application/x-protobuf"


def _scalar(value: AnyValue) -> str | int | float | bool | None:
    which = value.WhichOneof("value")
    if which in ("string_value", "bool_value", "int_value", "double_value"):
        return getattr(value, which)  # type: ignore[no-any-return]
    if which == "bytes_value":
        return value.bytes_value.hex()
    if which == "array_value":
        return json.dumps([_scalar(item) for item in value.array_value.values])
    if which == "kvlist_value":
        return json.dumps(flatten_attributes(value.kvlist_value.values))
    return None


def flatten_attributes(attributes: Any) -> dict[str, Any]:
    """OTLP KeyValue list -> flat dict (arrays and maps become JSON strings)."""
    result: dict[str, Any] = {}
    for item in attributes:
        assert isinstance(item, KeyValue)
        result[item.key] = _scalar(item.value)
    return result


def _span_record(span: Span, service_name: str | None) -> dict[str, Any]:
    return {
        "trace_id": span.trace_id.hex(),
        "span_id": span.span_id.hex(),
        "parent_span_id": span.parent_span_id.hex() or None,
        "name": span.name,
        "kind": KINDS.get(int(span.kind), "INTERNAL"),
        "service_name": service_name,
        "start_unix_nano": span.start_time_unix_nano,
        "end_unix_nano": span.end_time_unix_nano,
        "status": STATUSES.get(int(span.status.code), "UNSET"),
        "attributes": flatten_attributes(span.attributes),
    }


def span_records(request: ExportTraceServiceRequest) -> list[dict[str, Any]]:
    """One flat dict per span in an export request."""
    records: list[dict[str, Any]] = []
    for resource_spans in request.resource_spans:
        resource = flatten_attributes(resource_spans.resource.attributes)
        service = resource.get("service.name")
        for scope_spans in resource_spans.scope_spans:
            records.extend(_span_record(span, service) for span in scope_spans.spans)
    return records


def _hex_ids_to_base64(node: Any) -> Any:
    # OTLP/JSON writes ids as hex, while protobuf's JSON mapping expects base64 for bytes.
    if isinstance(node, list):
        return [_hex_ids_to_base64(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {}
    for key, value in node.items():
        if key in HEX_ID_KEYS and isinstance(value, str):
            value = base64.b64encode(bytes.fromhex(value)).decode()
        converted[key] = _hex_ids_to_base64(value)
    return converted


def decode_request(body: bytes, content_type: str, encoding: str) -> ExportTraceServiceRequest:
    """Parses an OTLP/HTTP trace export body (protobuf or JSON, optionally gzip/deflate)."""
    encoding = encoding.lower().strip()
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "deflate":
        body = zlib.decompress(body)
    request = ExportTraceServiceRequest()
    if "json" in content_type.lower():
        json_format.ParseDict(
            _hex_ids_to_base64(json.loads(body)), request, ignore_unknown_fields=True
        )
    else:
        request.ParseFromString(body)
    return request


BAD_PAYLOAD = (DecodeError, json_format.ParseError, ValueError, OSError, zlib.error, binascii.Error)


def _write(out: Path, request: ExportTraceServiceRequest) -> None:
    lines = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in span_records(request))
    with out.open("a", encoding="utf-8") as fh:
        fh.write(lines)


def create_app(out: Path) -> Starlette:
    """The receiver app: POST /v1/traces appends spans to ``out``; GET /healthz answers ok."""
    out.parent.mkdir(parents=True, exist_ok=True)

    async def traces(request: Request) -> Response:
        content_type = request.headers.get("content-type", PROTOBUF)
        encoding = request.headers.get("content-encoding", "")
        try:
            decoded = decode_request(await request.body(), content_type, encoding)
        except BAD_PAYLOAD as exc:
            return PlainTextResponse(f"bad OTLP payload: {exc}", status_code=400)
        _write(out, decoded)
        if "json" in content_type.lower():
            return JSONResponse({})
        return Response(ExportTraceServiceResponse().SerializeToString(), media_type=PROTOBUF)

    async def healthz(_: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route("/v1/traces", traces, methods=["POST"]), Route("/healthz", healthz)]
    return Starlette(routes=routes)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: serve the receiver on 127.0.0.1."""
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m devstack.otlp_sink")
    parser.add_argument("--port", type=int, default=14318)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    uvicorn.run(
        create_app(args.out.resolve()),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
