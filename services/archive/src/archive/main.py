"""Entry point: ``uvicorn archive.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from archive import api
from archive.api import documents
from archive.bootstrap import build, build_context
from archive.context import ArchiveContext
from archive.jobs.schedule import day_clock
from archive.settings import Settings
from civic.app import create_service_app

TITLE = "档案公示服务 · archive"
DESCRIPTION = (
    "建立档案与长期公示 (steps 7, 10): "
    "one file per person, service numbers, village ledgers, notice boards."
)


def create_app(settings: Settings | None = None, context: ArchiveContext | None = None) -> FastAPI:
    """Builds the archive application (settings from the environment by default)."""
    chosen = settings or Settings()  # type: ignore[call-arg]
    context = context or build_context(chosen)
    runtime = build(chosen, context)
    app = create_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=api.routers(),
        background=[day_clock(context)],
        body_limits={documents.router.prefix: documents.upload_body_limit(chosen)},
    )
    app.state.context = context
    return app
