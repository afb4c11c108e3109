"""Payment exceptions: bank-return rows flagged for staff, listed and resolved by a person.

Resolving records who dealt with the row, when and why; it pays nothing and unpays nothing
(a statement is paid only by a bank return, reversed only by a second person's approval).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from civic.errors import NotFound
from civic.uow import UnitOfWork
from settlement.domain.payments import ExceptionState, PaymentException, PaymentRuleError
from settlement.repository import payment_exceptions as repo


async def exceptions_page(
    township_code: str, state: ExceptionState, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[PaymentException], int]:
    """A page of the township's flagged return rows in a state, newest first."""
    async with uow:
        return await repo.exceptions(
            uow.session, township_code=township_code, state=state, limit=limit, offset=offset
        )


async def get_exception(exception_id: uuid.UUID, *, uow: UnitOfWork) -> PaymentException:
    """One flagged return row, or 404."""
    async with uow:
        found = await repo.get_exception(uow.session, exception_id)
    if found is None:
        raise NotFound("支付异常记录不存在", code="payment_exception_not_found")
    return found


async def resolve_exception(
    exception_id: uuid.UUID, note_zh: str, *, uow: UnitOfWork, user: str, now: datetime
) -> PaymentException:
    """Records that a person dealt with a flagged row, and why; a row is resolved once."""
    async with uow:
        done = await repo.resolve(uow.session, exception_id, user=user, note_zh=note_zh, now=now)
        if done is None:
            if await repo.get_exception(uow.session, exception_id) is None:
                raise NotFound("支付异常记录不存在", code="payment_exception_not_found")
            raise PaymentRuleError("exception_already_resolved", "该支付异常已处理，不能重复处理")
        await uow.commit()
        return done
