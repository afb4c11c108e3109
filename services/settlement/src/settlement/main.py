"""Entry point: ``uvicorn settlement.main:create_app --factory``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from civic.app import create_service_app
from civic.runtime import Runtime
from settlement import api
from settlement.bootstrap import build
from settlement.handlers.catalogue import seed_demo_catalogues
from settlement.settings import Settings

TITLE = "资金结算服务 · settlement"
DESCRIPTION = (
    "资金结算与抽查 (steps 8, 10): "
    "fee standards, funds, the ledger, monthly statements, spot checks."
)


def _with_demo_catalogue(app: FastAPI, runtime: Runtime) -> None:
    # The platform's lifespan starts the broker and the outbox relay; once they run, every
    # county without a catalogue gets the demo one, published through the outbox.
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with inner(application):
            await seed_demo_catalogues(uow_factory=runtime.uow)
            yield

    app.router.lifespan_context = lifespan


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the settlement application (settings from the environment by default)."""
    runtime = build(settings or Settings())  # type: ignore[call-arg]
    app = create_service_app(runtime, title=TITLE, description=DESCRIPTION, routers=[api.router])
    _with_demo_catalogue(app, runtime)
    return app
