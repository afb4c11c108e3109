"""settlement's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

from fastapi import APIRouter

from settlement.api import (
    catalogue,
    evaluations,
    fund_rules,
    funds,
    inspections,
    ledger,
    payment_exceptions,
    payments,
    reports,
    reversals,
    spot_checks,
    statements,
    year_end,
)

router = APIRouter()
for module in (
    catalogue,
    funds,
    fund_rules,
    ledger,
    statements,
    payments,
    payment_exceptions,
    reversals,
    year_end,
    spot_checks,
    inspections,
    reports,
    evaluations,
):
    router.include_router(module.router)
