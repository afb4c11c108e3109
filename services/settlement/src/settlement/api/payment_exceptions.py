"""Routes of payment exceptions: flagged bank-return rows, listed and resolved by a person."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import Approver, PagingDep, StaffReader, ensure_division
from settlement.domain.payments import ExceptionState, PaymentException
from settlement.handlers import payment_exceptions as use_cases
from settlement.schemas import Page
from settlement.schemas.payments import ExceptionResolution, PaymentExceptionRead

# A flagged row names a batch line, a provider's amount and a bank's words, never a person served.
router = APIRouter(tags=["payments 支付"], responses=PROBLEM_RESPONSES)
NOT_PERSONAL = reads_personal(None)


@router.get("/payment-exceptions", summary="银行回盘异常", openapi_extra=NOT_PERSONAL)
async def list_exceptions(
    township_code: Annotated[str, Query(pattern=r"^\d{9}$", description="Township/street code.")],
    reader: StaffReader,
    uow: UowDep,
    paging: PagingDep,
    state: Annotated[
        ExceptionState, Query(description="open (default), resolved or all.")
    ] = ExceptionState.OPEN,
) -> Page[PaymentExceptionRead]:
    """Return rows staff must act on (unknown line, wrong amount, conflicting result)."""
    ensure_division(reader, township_code)
    found, total = await use_cases.exceptions_page(
        township_code, state, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [_read(x) for x in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.post(
    "/payment-exceptions/{exception_id}/resolution",
    summary="处理银行回盘异常",
    openapi_extra=NOT_PERSONAL,
)
async def resolve(
    exception_id: uuid.UUID, body: ExceptionResolution, approver: Approver, uow: UowDep
) -> PaymentExceptionRead:
    """A township officer or checker records what was done about a flagged row (once)."""
    found = await use_cases.get_exception(exception_id, uow=uow)
    ensure_division(approver, found.township_code)
    done = await use_cases.resolve_exception(
        exception_id, body.note_zh, uow=uow, user=approver.user_id, now=clock.now()
    )
    return _read(done)


def _read(found: PaymentException) -> PaymentExceptionRead:
    return PaymentExceptionRead.model_validate(asdict(found))
