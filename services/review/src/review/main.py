"""Entry point: ``uvicorn review.main:create_app --factory``."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from civic.app import create_service_app
from review import api, api_city
from review.bootstrap import build
from review.schedule import run_suspension_expiry
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
    suspensions = partial(run_suspension_expiry, interval_s=chosen.suspension_sweep_interval_s)
    return create_service_app(
        runtime, title=TITLE, description=DESCRIPTION, routers=routers, background=[suspensions]
    )
