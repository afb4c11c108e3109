"""Entry point: ``uvicorn settlement.main:create_app --factory``."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from civic.app import create_service_app
from civic.runtime import Runtime
from settlement import api
from settlement.bootstrap import build
from settlement.handlers.catalogue import seed_demo_catalogues
from settlement.settings import Settings

log = logging.getLogger(__name__)
TITLE = "资金结算服务 · settlement"
DESCRIPTION = (
    "资金结算与抽查 (steps 8, 10): "
    "fee standards, funds, the ledger, monthly statements, spot checks."
)


async def seed_demo_catalogue(runtime: Runtime) -> None:
    """Every county without a catalogue gets the demo one, published through the outbox."""
    while True:
        try:
            await seed_demo_catalogues(uow_factory=runtime.uow)
            return
        except Exception:
            log.exception("seeding the demo catalogues failed; trying again")
            await asyncio.sleep(5)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the settlement application (settings from the environment by default)."""
    runtime = build(settings or Settings())  # type: ignore[call-arg]
    return create_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=[api.router],
        background=[seed_demo_catalogue],
    )
