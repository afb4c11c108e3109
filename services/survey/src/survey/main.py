"""Entry point: ``uvicorn survey.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from civic.app import create_service_app
from survey import api
from survey.bootstrap import build
from survey.domain import REFUSALS
from survey.settings import Settings

TITLE = "入户调查服务 · survey"
DESCRIPTION = (
    "入户调查与初审 (step 3): survey tasks, two-person teams, findings, preliminary review."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the survey application (settings from the environment by default)."""
    runtime = build(settings or Settings())  # type: ignore[call-arg]
    return create_service_app(
        runtime, title=TITLE, description=DESCRIPTION, routers=[api.router], refusals=REFUSALS
    )
