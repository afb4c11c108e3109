"""Routes of payments: a confirmed statement is paid when the bank says so."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from settlement.api.common import Township
from settlement.api.statements import readable_statement
from settlement.api.views import statement_read
from settlement.handlers import payments
from settlement.handlers import statement_reads as reads
from settlement.schemas import PaymentCreate, StatementRead

router = APIRouter(tags=["payments 支付"])


@router.post(
    "/statements/{statement_id}/pay",
    response_model=StatementRead,
    responses=PROBLEM_RESPONSES,
    summary="登记支付",
    openapi_extra=reads_personal(None),
)
async def pay(
    statement_id: uuid.UUID, body: PaymentCreate, officer: Township, uow: UowDep
) -> StatementRead:
    """Records the payment (voucher number) of a confirmed statement; it is paid once."""
    await readable_statement(uow, statement_id, officer)
    done = await payments.pay_statement(
        statement_id,
        uow=uow,
        user=officer.user_id,
        paid_on=body.paid_on,
        reference=body.payment_reference,
    )
    return statement_read(await reads.details(done, uow=uow))
