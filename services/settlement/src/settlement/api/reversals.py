"""Routes of payment reversals: one township officer asks, another person approves."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import Approver, PagingDep, StaffReader, Township, ensure_division
from settlement.api.statements import readable_statement
from settlement.domain.payments import PaymentReversal, ReversalState
from settlement.handlers import reversals
from settlement.schemas import Page
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


@router.get("/payment-reversals", summary="支付冲销列表", openapi_extra=NOT_PERSONAL)
async def list_reversals(
    township_code: Annotated[str, Query(pattern=r"^\d{9}$", description="Township/street code.")],
    reader: StaffReader,
    uow: UowDep,
    paging: PagingDep,
    state: Annotated[
        ReversalState, Query(description="pending (default): the approvers' queue.")
    ] = ReversalState.PENDING,
) -> Page[ReversalRead]:
    """The township's payment reversals in a state, oldest request first."""
    ensure_division(reader, township_code)
    found, total = await reversals.reversals_page(
        township_code, state, uow=uow, limit=paging.size, offset=paging.offset
    )
    # A pending reversal's statement is paid; an approved one's was confirmed again.
    items = [_reversal_read(x, "paid" if x.status == "pending" else "confirmed") for x in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


def _reversal_read(reversal: PaymentReversal, statement_status: str) -> ReversalRead:
    return ReversalRead.model_validate({**asdict(reversal), "statement_status": statement_status})
