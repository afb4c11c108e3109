"""Entry point: ``uvicorn review.main:create_app --factory``."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from civic.app import create_service_app
from review.api import ROUTERS
from review.bootstrap import build
from review.domain.case import RuleViolation, StateConflict
from review.jobs.schedule import run_emergency_expiry, run_suspension_expiry
from review.settings import Settings

TITLE = "审核确认服务 · review"
DESCRIPTION = (
    "审核确认与动态管理 (steps 4, 9): township review, the recipient registry and its status."
)

#: The domain's refusals, answered as problem documents (409 or 422, by their ``kind``).
REFUSALS: list[type[Exception]] = [RuleViolation, StateConflict]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the review application (settings from the environment by default)."""
    chosen = settings or Settings()  # type: ignore[call-arg]
    runtime = build(chosen)
    suspensions = partial(run_suspension_expiry, interval_s=chosen.suspension_sweep_interval_s)
    emergencies = partial(run_emergency_expiry, interval_s=chosen.deadline_poll_s)
    return create_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=ROUTERS,
        background=[suspensions, emergencies],
        refusals=REFUSALS,
    )
