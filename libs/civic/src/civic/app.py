"""The FastAPI application every service serves: lifespan, health, metrics, errors, tracing.

While it serves, a service runs its background jobs beside the HTTP API: the Kafka
connection (retried until the broker answers: a service starts, and serves requests into
its outbox, while Kafka is away), the outbox relay, the watch on Kafka's health, the
pruning of the messaging tables, and whatever jobs the service adds (its clocks).
Readiness means what serving requests needs: the database. Kafka's health is its own
signal (``civic_kafka_up`` and the ``kafka`` field of ``/readyz``), so a load balancer
keeps a service whose outbox absorbs writes while the broker is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator, Mapping, Sequence

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.audit import reads_personal
from civic.audit.api import audit_router
from civic.audit.record import AuditReads
from civic.background import (
    BackgroundJob,
    connect_bus,
    in_background,
    prune_forever,
    watch_bus,
    watch_consumer_lag,
    watch_dlq_depth,
)
from civic.errors import Unauthorized, install_problem_handlers
from civic.limits import BodySizeLimit
from civic.metrics import CONTENT_TYPE, CountHttp
from civic.rate_limits import RateLimits
from civic.runtime import Runtime


@contextlib.asynccontextmanager
async def _serve(app: FastAPI) -> AsyncIterator[None]:
    runtime: Runtime = app.state.runtime
    jobs: Sequence[BackgroundJob] = (
        connect_bus,
        watch_bus,
        watch_dlq_depth,
        watch_consumer_lag,
        prune_forever,
        *app.state.background,
    )
    if runtime.keys is not None:  # no request may meet personal data it cannot open
        await runtime.keys.start()
        jobs = (*jobs, _keep_keys)
    relay_task = asyncio.create_task(runtime.relay.run(), name="outbox-relay")
    try:
        async with contextlib.AsyncExitStack() as running:
            for job in jobs:
                name = getattr(job, "__name__", type(job).__name__)
                await running.enter_async_context(in_background(job(runtime), name=name))
            yield
    finally:
        runtime.relay.stop()  # finish the batch in hand, then stop
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(relay_task, timeout=10)
        await runtime.broker.stop()  # consumers finish the message in hand (graceful_timeout)
        await runtime.engine.dispose()
        runtime.tracer_provider.shutdown()


async def _keep_keys(runtime: Runtime) -> None:
    """Reloads the ring after a rotation and re-seals what older keys sealed."""
    assert runtime.keys is not None
    await runtime.keys.keep()


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get(
        "/healthz",
        summary="存活检查 (the process is alive)",
        openapi_extra=reads_personal(None),
    )
    async def healthz() -> dict[str, str]:
        """Answers while the process runs."""
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="就绪检查 (the database answers; Kafka is reported)",
        openapi_extra=reads_personal(None),
    )
    async def readyz(request: Request) -> JSONResponse:
        """200 when the database answers; Kafka's state is reported but decides nothing."""
        runtime: Runtime = request.app.state.runtime
        checks = {"database": "ok", "kafka": "ok" if runtime.bus_up.is_set() else "unavailable"}
        try:
            async with runtime.engine.connect() as conn:
                await conn.execute(text("select 1"))
        except Exception:
            checks["database"] = "unavailable"
        ready = checks["database"] == "ok"
        # The service's name lets a launcher tell its process from another that took the port.
        body = {"ready": ready, "service": runtime.settings.service_name, "checks": checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    @router.get(
        "/metrics",
        summary="监控指标 (Prometheus text format)",
        openapi_extra=reads_personal(None),
    )
    async def metrics(request: Request) -> Response:
        """HTTP answers, Kafka message outcomes and the outbox backlog, for Prometheus."""
        runtime: Runtime = request.app.state.runtime
        token = runtime.settings.metrics_token
        expected = f"Bearer {token.get_secret_value()}" if token is not None else None
        given = request.headers.get("authorization", "")
        if expected is not None and not hmac.compare_digest(given, expected):
            raise Unauthorized("监控指标需要令牌", code="metrics_token_required")
        body = await runtime.metrics.render(runtime.sessionmaker)
        return Response(body, media_type=CONTENT_TYPE)

    return router


class TraceIdHeader:
    """ASGI middleware: every answer names its trace in ``X-Trace-Id``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Adds the header to the answer's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_trace_id(message: Message) -> None:
            # Front-line staff quote this id to the hotline; apps may carry it on.
            if message["type"] == "http.response.start":
                context = trace.get_current_span().get_span_context()
                if context.is_valid:
                    headers = MutableHeaders(scope=message)
                    headers.append("X-Trace-Id", format(context.trace_id, "032x"))
            await send(message)

        await self.app(scope, receive, with_trace_id)


def create_service_app(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    background: Sequence[BackgroundJob] = (),
    refusals: Sequence[type[Exception]] = (),
    body_limits: Mapping[str, int] | None = None,
    version: str = "0.1.0",
) -> FastAPI:
    """Builds a service's app: its routes, its background jobs, its refusals as problems.

    ``body_limits`` gives routes (by template) that take larger bodies than
    ``HTTP_BODY_MAX_BYTES`` their own limit."""
    settings = runtime.settings
    docs = settings.serve_docs()
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=_serve,
        # Off by default outside local: the API's shape is no business of strangers.
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.runtime = runtime
    app.state.background = tuple(background)
    app.state.rate_limits = RateLimits(
        per_minute={
            "public": settings.rate_limit_public_per_minute,
            "app": settings.rate_limit_app_per_minute,
        },
        verifier=runtime.verifier,
        trusted_proxies=settings.trusted_proxies,
    )
    app.include_router(_health_router())
    app.include_router(audit_router())
    for router in routers:
        app.include_router(router)
    install_problem_handlers(app, refusals)
    # Innermost of ours: it holds an answer holding personal data until its read is
    # recorded, and its own refusal (503) is still counted and traced by those outside it.
    app.add_middleware(AuditReads)
    # Added first, so innermost of ours: still before any route reads a body, and the
    # metrics and the trace id see its 413 as the answer.
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.http_body_max_bytes, body_limits=body_limits
    )
    app.add_middleware(TraceIdHeader)
    app.add_middleware(CountHttp, metrics=runtime.metrics)
    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=runtime.tracer_provider, excluded_urls="healthz,readyz"
    )
    return app
