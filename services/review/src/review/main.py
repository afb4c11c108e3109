"""Entry point: ``uvicorn review.main:create_app --factory``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from civic.app import create_service_app
from review import api, api_city
from review.bootstrap import build
from review.schedule import suspension_expiry
from review.settings import Settings

TITLE = "审核确认服务 · review"
DESCRIPTION = (
    "审核确认与动态管理 (steps 4, 9): township review, the recipient registry and its status."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the review application (settings from the environment by default)."""
    chosen = settings or Settings()  # type: ignore[call-arg]
    runtime = build(chosen)
    routers = [api.router, api_city.router]
    app = create_service_app(runtime, title=TITLE, description=DESCRIPTION, routers=routers)
    shared = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The shared lifespan starts the broker and relay; the suspension clock runs inside it.
        interval = chosen.suspension_sweep_interval_s
        async with shared(app), suspension_expiry(runtime, interval_s=interval):
            yield

    app.router.lifespan_context = lifespan
    return app
