"""Entry point: ``uvicorn dispatch.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from civic.app import create_service_app
from dispatch.api import ROUTERS, provider_portal
from dispatch.bootstrap import background_jobs, build
from dispatch.domain.complaints import ComplaintRefused
from dispatch.jobs.complaints import complaint_watcher
from dispatch.jobs.messages import message_sender
from dispatch.settings import Settings

TITLE = "转介派单服务 · dispatch"
DESCRIPTION = (
    "转介服务与开展服务 (steps 5-6): "
    "providers, service orders, plans, service records, the love doorbell; "
    "orders follow a recipient's status at once (动态管理)."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the dispatch application (settings from the environment by default)."""
    parts = build(settings or Settings())  # type: ignore[call-arg]
    app = create_service_app(
        parts.runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        background=[
            *background_jobs(parts),
            complaint_watcher(parts.settings),
            message_sender(parts.settings),
        ],
        refusals=[ComplaintRefused],
        body_limits=provider_portal.BODY_LIMITS,
    )
    app.state.dispatch = parts
    return app
