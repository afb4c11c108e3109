"""Entry point: ``uvicorn dispatch.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from civic.app import create_service_app
from dispatch import api
from dispatch.bootstrap import build
from dispatch.settings import Settings

TITLE = "转介派单服务 · dispatch"
DESCRIPTION = (
    "转介服务与开展服务 (steps 5-6): "
    "providers, service orders, plans, service records, the love doorbell."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the dispatch application (settings from the environment by default)."""
    runtime = build(settings or Settings())  # type: ignore[call-arg]
    return create_service_app(runtime, title=TITLE, description=DESCRIPTION, routers=[api.router])
