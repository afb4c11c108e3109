"""Tracing and JSON logs: one trace id from an HTTP request through every Kafka hop."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy.ext.asyncio import AsyncEngine

# Resident ID numbers (18 chars) and mainland mobile numbers: masked in every log line
# as a last line of defence; code should not log them in the first place.
_ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9Xx])")
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def redact(text: str) -> str:
    """Masks ID-number-shaped and phone-shaped substrings."""
    text = _ID_NUMBER.sub(r"\1**********\2", text)
    return _PHONE.sub(r"\1****\2", text)


def setup_tracing(service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Creates the process's tracer provider, exporting over OTLP/HTTP when configured."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    if otlp_endpoint:
        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider


def instrument_engine(engine: AsyncEngine, provider: TracerProvider) -> None:
    """Adds database spans to the engine's statements."""
    # The instrumentation declares "sqlalchemy < 2.1" and silently does nothing on 2.1
    # unless told to skip the check; it works on 2.1 (tested in civic's tests).
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine,
        tracer_provider=provider,
        enable_commenter=False,
        skip_dep_check=True,
    )


class _RedactingJsonFormatter(JsonFormatter):
    """Masks tracebacks too: an exception's message often quotes the input that caused it."""

    def formatException(self, ei: Any) -> str:
        return _redact_all(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _redact_all(super().formatStack(stack_info))


def _redact_all(formatted: str | list[str]) -> str:
    # The formatter gives a list of lines when configured to (exc_info_as_array).
    return redact(formatted if isinstance(formatted, str) else "\n".join(formatted))


class _TraceAndRedactFilter(logging.Filter):
    def __init__(self, service_name: str) -> None:
        super().__init__()
        self._service = service_name

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        record.service = self._service
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def setup_logging(service_name: str, level: str = "INFO") -> None:
    """Sends JSON log lines with trace ids to stderr, with personal data masked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        _RedactingJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_TraceAndRedactFilter(service_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
