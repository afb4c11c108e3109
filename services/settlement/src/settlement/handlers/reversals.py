"""Payment reversals: four eyes — one township officer asks, another person approves."""

from __future__ import annotations

import uuid
from datetime import datetime

from civic.uow import UnitOfWork
from contracts.settlement import PaymentReversed
from settlement.domain.payments import PaymentReversal, PaymentRuleError, ReversalState
from settlement.domain.statements import Statement, StatementStatus, check_second_person
from settlement.handlers.statements import event_key, locked_statement
from settlement.repository import reversals as repo
from settlement.repository import statements

#: What a reversed payment leaves on the statement: confirmed again, no payment recorded.
UNPAID = {
    "status": StatementStatus.CONFIRMED.value,
    "paid_on": None,
    "payment_reference": None,
    "paid_by": None,
}


async def request_reversal(
    statement_id: uuid.UUID, reason_zh: str, *, uow: UnitOfWork, user: str, now: datetime
) -> PaymentReversal:
    """A township officer asks to reverse a paid statement's payment; a second person approves."""
    async with uow:
        row = await locked_statement(uow, statement_id)
        if row.status != StatementStatus.PAID.value or row.payment_reference is None:
            raise PaymentRuleError("statement_not_paid", "只有已支付的结算单才能冲销支付")
        if await repo.pending_reversal(uow.session, statement_id) is not None:
            raise PaymentRuleError("reversal_pending", "该结算单已有待审批的支付冲销")
        reversal = await repo.add_reversal(
            uow.session,
            {
                "reversal_id": uuid.uuid4(),
                "statement_id": statement_id,
                "township_code": row.township_code,
                "amount_fen": row.total_fen,
                "payment_reference": row.payment_reference,
                "paid_on": row.paid_on,
                "paid_by": row.paid_by,
                "reason_zh": reason_zh,
                "status": "pending",
                "requested_by": user,
                "requested_at": now,
            },
        )
        await uow.commit()
        return reversal


async def approve_reversal(
    statement_id: uuid.UUID, *, uow: UnitOfWork, user: str, now: datetime
) -> tuple[PaymentReversal, Statement]:
    """A second person approves: the statement is confirmed again and awaits a new payment."""
    async with uow:
        await locked_statement(uow, statement_id)
        pending = await repo.pending_reversal(uow.session, statement_id)
        if pending is None:
            raise PaymentRuleError("no_pending_reversal", "该结算单没有待审批的支付冲销")
        check_second_person(
            initiated_by=pending.requested_by, approver=user, action_zh="审批支付冲销"
        )
        done = await repo.approve_reversal(uow.session, pending.reversal_id, user=user, now=now)
        # The payment stays in the batch line and in the reversal; the statement forgets it.
        statement = await statements.set_status(uow.session, statement_id, UNPAID)
        uow.emit(
            PaymentReversed(
                **event_key(statement),
                amount_fen=done.amount_fen,
                payment_reference=done.payment_reference,
                requested_by=done.requested_by,
                approved_by=user,
            )
        )
        await uow.commit()
        return done, statement


async def pending_of(statement_id: uuid.UUID, *, uow: UnitOfWork) -> PaymentReversal | None:
    """The statement's reversal waiting for a second person, if any (a read: no lock)."""
    async with uow:
        return await repo.pending_reversal(uow.session, statement_id, lock=False)


async def reversals_page(
    township_code: str, state: ReversalState, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[PaymentReversal], int]:
    """A page of the township's reversals in a state (pending: the approvers' queue)."""
    async with uow:
        return await repo.reversals(uow.session, township_code, state, limit=limit, offset=offset)
