"""Routes of the county's reports: provider performance (绩效评价)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import MONTH_PATTERN, Checker, ensure_county
from settlement.handlers.performance import provider_performance

router = APIRouter(prefix="/performance", tags=["performance 绩效评价"])


@router.get(
    "/{county_code}/{month}",
    responses=PROBLEM_RESPONSES,
    summary="服务供给主体月度绩效",
    # Counts per provider: no recipient is named or countable from the figures.
    openapi_extra=reads_personal(None),
)
async def performance(
    county_code: str,
    month: Annotated[
        str, Path(pattern=MONTH_PATTERN, description="Month YYYY-MM (2000-01 to 2099-12).")
    ],
    officer: Checker,
    uow: UowDep,
) -> dict[str, Any]:
    """Per provider: ordered vs delivered, time to accept, amount billed, spot-check pass rate."""
    ensure_county(officer, county_code)
    return await provider_performance(county_code, month, uow=uow)
