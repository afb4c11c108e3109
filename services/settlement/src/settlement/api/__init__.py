"""settlement's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

from settlement.api import (
    catalogue,
    evaluations,
    funds,
    inspections,
    ledger,
    reports,
    spot_checks,
    statements,
)

router = APIRouter()
for module in (
    catalogue,
    funds,
    ledger,
    statements,
    spot_checks,
    inspections,
    reports,
    evaluations,
):
    router.include_router(module.router)
