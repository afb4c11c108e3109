"""Payments: a confirmed statement is paid once, and only when the bank says so."""

from __future__ import annotations

import uuid
from datetime import date

from civic.errors import Unprocessable
from civic.uow import UnitOfWork
from contracts.settlement import StatementPaid
from settlement.domain.statements import Statement, StatementStatus, check_pay
from settlement.handlers.statements import event_key, locked_statement
from settlement.repository import statements


async def pay_statement(
    statement_id: uuid.UUID, *, uow: UnitOfWork, user: str, paid_on: date, reference: str
) -> Statement:
    """Records the payment of a confirmed statement, once; the same payment again is a no-op."""
    async with uow:
        row = await locked_statement(uow, statement_id)
        if not check_pay(StatementStatus(row.status), row.payment_reference, reference):
            return row  # this very payment was recorded before
        if row.total_fen < 0:
            raise Unprocessable(
                "结算单合计为负数，应由服务供给主体退回，不能登记支付", code="negative_statement"
            )
        values = {
            "status": "paid",
            "paid_on": paid_on,
            "payment_reference": reference,
            "paid_by": user,
        }
        done = await statements.set_status(uow.session, statement_id, values)
        uow.emit(
            StatementPaid(
                **event_key(done),
                amount_fen=done.total_fen,
                paid_on=paid_on,
                payment_reference=reference,
            )
        )
        await uow.commit()
        return done
