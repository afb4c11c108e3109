"""Entry point: ``uvicorn intake.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from civic.app import create_service_app
from civic.background import BackgroundJob
from intake import api
from intake.bootstrap import build
from intake.domain.rules import InvalidApplication
from intake.domain.status import StateConflict
from intake.domain.verification import DuplicateApplication
from intake.jobs.messages import message_sender
from intake.jobs.schedule import run_monthly
from intake.settings import Settings

#: The largest chunk of the go-live import (1000 rows of a few hundred bytes each).
IMPORT_CHUNK_BYTES = 4 * 1024 * 1024
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
    jobs: list[BackgroundJob] = [message_sender(chosen)]  # applicants' decisions (civic.notify)
    if chosen.follow_up_schedule:
        jobs.append(run_monthly)
    app = create_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=[api.router],
        background=jobs,
        refusals=[InvalidApplication, StateConflict, DuplicateApplication],
        # A chunk of the go-live import carries up to a thousand rows.
        body_limits={"/imports/{import_id}/rows": IMPORT_CHUNK_BYTES},
    )
    app.state.city_signatures = parts.city_signatures
    return app
