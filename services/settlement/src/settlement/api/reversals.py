"""Routes of payment reversals: one township officer asks, another person approves."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from fastapi import APIRouter, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import Approver, Township
from settlement.api.statements import readable_statement
from settlement.domain.payments import PaymentReversal
from settlement.handlers import reversals
from settlement.schemas.payments import ReversalCreate, ReversalRead

# A reversal names a statement, an amount and two officers, never a person served.
router = APIRouter(tags=["payments 支付"], responses=PROBLEM_RESPONSES)
NOT_PERSONAL = reads_personal(None)


@router.post(
    "/statements/{statement_id}/payment-reversal",
    status_code=status.HTTP_201_CREATED,
    summary="申请冲销支付",
    openapi_extra=NOT_PERSONAL,
)
async def request_reversal(
    statement_id: uuid.UUID, body: ReversalCreate, officer: Township, uow: UowDep
) -> ReversalRead:
    """A township officer asks to reverse a paid statement's payment; another person approves."""
    statement = await readable_statement(uow, statement_id, officer)
    reversal = await reversals.request_reversal(
        statement_id, body.reason_zh, uow=uow, user=officer.user_id, now=clock.now()
    )
    return _reversal_read(reversal, statement.status)


@router.post(
    "/statements/{statement_id}/payment-reversal/approve",
    summary="审批冲销支付",
    openapi_extra=NOT_PERSONAL,
)
async def approve_reversal(
    statement_id: uuid.UUID, approver: Approver, uow: UowDep
) -> ReversalRead:
    """A second person approves: the statement is confirmed again and awaits a new payment."""
    await readable_statement(uow, statement_id, approver)
    reversal, statement = await reversals.approve_reversal(
        statement_id, uow=uow, user=approver.user_id, now=clock.now()
    )
    return _reversal_read(reversal, statement.status)


def _reversal_read(reversal: PaymentReversal, statement_status: str) -> ReversalRead:
    return ReversalRead.model_validate({**asdict(reversal), "statement_status": statement_status})
