"""A tiny app built by ``create_service_app``, as a service builds its own, without a
database or a broker (nothing here starts the lifespan); and the part of a service's runtime
its background jobs read."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import generate_latest

from civic.app import create_service_app
from civic.bus.access import KafkaAccess
from civic.metrics import ServiceMetrics
from civic.runtime import Runtime
from civic.security import TokenVerifier
from civic.settings import ServiceSettings
from devstack import tokens


def service_app(
    keys: Path,
    routers: Sequence[APIRouter],
    *,
    body_limits: Mapping[str, int] | None = None,
    **settings: Any,
) -> FastAPI:
    """An app with ``routers`` and the shared plumbing, its settings overridden by ``settings``."""
    public_key = tokens.public_key_path(keys).read_text()
    chosen = ServiceSettings(
        service_name="limits-test",
        environment="local",
        database_url="postgresql+asyncpg://t@127.0.0.1:5432/t",
        auth_public_key_pem=public_key,
        kafka_password="not-used",
        kafka_ca_file=Path("not-read.pem"),
        **settings,
    )
    verifier = TokenVerifier(public_key, issuer=chosen.auth_issuer, audience=chosen.auth_audience)
    runtime = SimpleNamespace(
        settings=chosen,
        verifier=verifier,
        metrics=ServiceMetrics(),
        tracer_provider=TracerProvider(),
    )
    return create_service_app(
        cast(Runtime, runtime), title="t", description="t", routers=routers, body_limits=body_limits
    )


@dataclass
class FakeRuntime:
    """What the job reads of a service's runtime."""

    access: KafkaAccess
    processors: list[Any]
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    bus_connected: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def settings(self) -> Any:
        return type("S", (), {"kafka_access": lambda _: self.access})()


async def exported(
    runtime: FakeRuntime, job: Coroutine[Any, Any, None], line: str, timeout_s: float = 30.0
) -> None:
    """Runs a background ``job`` on ``runtime`` until its /metrics text holds ``line``."""
    task = asyncio.create_task(job)
    try:
        runtime.bus_connected.set()
        for _ in range(int(timeout_s * 10)):  # a condition polled, not a fixed wait
            if line in generate_latest(runtime.metrics.registry).decode():
                return
            await asyncio.sleep(0.1)
        pytest.fail(f"no {line} at /metrics within {timeout_s:.0f} s")
    finally:
        task.cancel()
