"""Entry point: ``uvicorn settlement.main:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from civic.app import create_service_app
from settlement import api
from settlement.bootstrap import build
from settlement.domain.catalogue import CatalogueRuleError
from settlement.domain.statements import StatementRuleError
from settlement.jobs.seeding import seed_demo_catalogue
from settlement.settings import Settings

TITLE = "资金结算服务 · settlement"
DESCRIPTION = (
    "资金结算与抽查 (steps 8, 10): "
    "fee standards, funds, the ledger, monthly statements, spot checks."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Builds the settlement application (settings from the environment by default)."""
    runtime = build(settings or Settings())  # type: ignore[call-arg]
    return create_service_app(
        runtime,
        title=TITLE,
        description=DESCRIPTION,
        routers=[api.router],
        background=[seed_demo_catalogue],
        # Rule errors of the domain carry code, kind and message_zh: answered as problems.
        refusals=[CatalogueRuleError, StatementRuleError],
    )
