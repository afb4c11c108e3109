"""Entry point: ``uvicorn intake.main:create_app --factory``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from civic.app import create_service_app
from intake import api
from intake.bootstrap import build
from intake.schedule import monthly_follow_up
from intake.settings import Settings

TITLE = "受理登记服务 · intake"
DESCRIPTION = (
    "申请与主动发现、受理登记 (steps 1-2): "
    "applications from the window, WeChat, 皖事通 and village coordinators."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the intake application (settings from the environment by default)."""
    chosen = settings or Settings()  # type: ignore[call-arg]
    parts = build(chosen)
    runtime = parts.runtime
    app = create_service_app(runtime, title=TITLE, description=DESCRIPTION, routers=[api.router])
    app.state.city_signatures = parts.city_signatures
    if not chosen.follow_up_schedule:
        return app
    shared = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The shared lifespan starts the broker and relay; the monthly follow-up runs inside it.
        async with shared(app), monthly_follow_up(runtime):
            yield

    app.router.lifespan_context = lifespan
    return app
