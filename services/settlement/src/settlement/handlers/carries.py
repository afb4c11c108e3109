"""Negative statements: carried into the same provider's and purchaser's next period."""

from __future__ import annotations

from datetime import datetime

from civic.errors import Unprocessable
from civic.uow import UnitOfWork
from settlement.domain.statements import Statement


async def carry_statement(
    uow: UnitOfWork, row: Statement, *, user: str, now: datetime
) -> Statement:
    """Carries a negative draft into the next period (not yet built: refused as before)."""
    raise Unprocessable(
        "结算单合计为负数，应由服务供给主体退回，不能确认", code="negative_statement"
    )
