"""Payments: a township's confirmed statements go to the bank in a batch a second person
approves; a statement is paid only when the bank's return says so; a reversal likewise
needs a second person."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from civic.errors import NotFound, Unprocessable
from civic.uow import UnitOfWork
from contracts import calendar
from contracts.settlement import PaymentFailed, StatementPaid
from settlement.adapters import bank_files
from settlement.adapters.bank_files import PaymentFormat
from settlement.domain.payments import (
    OPEN_LINES,
    BankAccount,
    BatchLine,
    BatchStatus,
    BatchView,
    Match,
    PaymentBatch,
    ReturnImport,
    ReturnRow,
    RowOutcome,
    check_batch_approver,
    check_batch_status,
    match_return,
)
from settlement.domain.statements import StatementStatus
from settlement.handlers.statements import event_key, locked_statement
from settlement.repository import bank_formats, locks, statements
from settlement.repository import payment_exceptions as flagged_rows
from settlement.repository import payments as repo


#: What a statement forgets of its payment when the payment is reversed.
async def payment_format(county_code: str, *, uow: UnitOfWork) -> PaymentFormat:
    """The county's bank file format, or the default one."""
    async with uow:
        return await _format(uow, county_code)


async def set_payment_format(fmt: PaymentFormat, *, uow: UnitOfWork, user: str) -> PaymentFormat:
    """A county officer sets the bank file format (checked: it must read back)."""
    bank_files.check_format(fmt)
    async with uow:
        await bank_formats.set_format(uow.session, fmt, user=user)
        await uow.commit()
        return await _format(uow, fmt.county_code)


async def create_batch(
    township_code: str, *, uow: UnitOfWork, user: str, now: datetime
) -> PaymentBatch:
    """Puts every confirmed statement of the township not yet paid nor with the bank in a batch."""
    async with uow:
        # One batch is made at a time: its number is the next, and no statement is taken twice.
        await locks.lock(uow.session, "payment-batch")
        payable = await repo.payable(uow.session, township_code)
        if not payable:
            raise Unprocessable(
                "本乡镇(街道)没有待支付的已确认结算单",
                code="nothing_to_pay",
                field="body.township_code",
            )
        batch = PaymentBatch(
            batch_id=uuid.uuid4(),
            batch_no=await repo.next_batch_no(uow.session),
            county_code=township_code[:6],
            township_code=township_code,
            status=BatchStatus.CREATED.value,
            line_count=len(payable),
            total_fen=sum(row["total_fen"] for row in payable),
            created_by=user,
            created_at=now,
        )
        await repo.add_batch(uow.session, batch, payable)
        await uow.commit()
        return batch


async def approve_batch(
    batch_id: uuid.UUID, *, uow: UnitOfWork, user: str, now: datetime
) -> PaymentBatch:
    """A second person approves (pays) the batch: not its maker, nor who confirmed its lines."""
    async with uow:
        batch = await _locked_batch(uow, batch_id)
        if batch.status == BatchStatus.APPROVED.value and batch.approved_by == user:
            return batch  # the same approval again
        check_batch_status(BatchStatus(batch.status), BatchStatus.CREATED, action_zh="审批")
        confirmers = await repo.confirmers(uow.session, batch_id)
        check_batch_approver(created_by=batch.created_by, confirmers=confirmers, approver=user)
        values = {"status": BatchStatus.APPROVED.value, "approved_by": user, "approved_at": now}
        done = await repo.set_batch(uow.session, batch_id, values)
        await uow.commit()
        return done


async def export_batch(
    batch_id: uuid.UUID, *, uow: UnitOfWork, user: str, now: datetime
) -> tuple[PaymentBatch, bytes]:
    """The approved batch's bank file; the first export sends its lines to the bank."""
    async with uow:
        batch = await _locked_batch(uow, batch_id)
        allowed = (BatchStatus.APPROVED, BatchStatus.SENT, BatchStatus.CLOSED)
        check_batch_status(BatchStatus(batch.status), *allowed, action_zh="导出银行支付文件")
        fmt = await _format(uow, batch.county_code)
        content = bank_files.render(fmt, await repo.file_rows(uow.session, batch_id))
        if batch.status == BatchStatus.APPROVED.value:
            await repo.send_lines(uow.session, batch_id)
            values = {"status": BatchStatus.SENT.value, "sent_by": user, "sent_at": now}
            batch = await repo.set_batch(uow.session, batch_id, values)
        await uow.commit()
        return batch, content


async def import_return(
    batch_id: uuid.UUID, content: bytes, *, uow: UnitOfWork, user: str, now: datetime
) -> ReturnImport:
    """Matches the bank's return line by line; the same file again changes nothing."""
    async with uow:
        batch = await _locked_batch(uow, batch_id)
        allowed = (BatchStatus.SENT, BatchStatus.CLOSED)
        check_batch_status(BatchStatus(batch.status), *allowed, action_zh="导入银行回盘")
        fmt = await _format(uow, batch.county_code)
        rows = bank_files.parse_return(fmt, content, today=calendar.day_of(now))
        matches = match_return(await repo.lines(uow.session, batch_id), rows)
        for match in matches:
            await _apply(uow, batch, match, user=user, now=now)
        sha256 = hashlib.sha256(content).hexdigest()
        already = await repo.was_imported(uow.session, batch_id, sha256)
        result = ReturnImport(batch, matches, already)
        if not already:
            await repo.add_return(uow.session, result, sha256, user=user, now=now)
        if not any(line.status in OPEN_LINES for line in await repo.lines(uow.session, batch_id)):
            closed = await repo.set_batch(uow.session, batch_id, {"status": "closed"})
            result = ReturnImport(closed, matches, already)
        await uow.commit()
        return result


async def _apply(
    uow: UnitOfWork, batch: PaymentBatch, match: Match, *, user: str, now: datetime
) -> None:
    if match.outcome is RowOutcome.FLAGGED:
        await flagged_rows.add_exception(uow.session, batch, match, user=user, now=now)
    elif match.line is not None and match.outcome is RowOutcome.FAILED:
        await _failed(uow, batch, match.line, match.row, now)
    elif match.line is not None and match.outcome is RowOutcome.PAID:
        await _paid(uow, batch, match.line, match.row, now)


async def _failed(
    uow: UnitOfWork, batch: PaymentBatch, line: BatchLine, row: ReturnRow, now: datetime
) -> None:
    """The bank failed the line: the statement stays confirmed for the next batch."""
    reason = row.reason or "银行未注明原因"
    values = {"status": "failed", "bank_reason": reason, "returned_at": now}
    await repo.set_line(uow.session, batch.batch_id, line.line_no, values)
    statement = await locked_statement(uow, line.statement_id)
    uow.emit(
        PaymentFailed(
            **event_key(statement),
            batch_id=batch.batch_id,
            amount_fen=line.amount_fen,
            bank_reason_zh=reason,
        )
    )


async def _paid(
    uow: UnitOfWork, batch: PaymentBatch, line: BatchLine, row: ReturnRow, now: datetime
) -> None:
    """The bank paid the line: now, and only now, the statement is paid (by the approver)."""
    serial, paid_on = row.bank_serial or "", row.paid_on or calendar.day_of(now)
    values = {"status": "paid", "bank_serial": serial, "paid_on": paid_on, "returned_at": now}
    await repo.set_line(uow.session, batch.batch_id, line.line_no, values)
    await locked_statement(uow, line.statement_id)
    paid = {
        "status": StatementStatus.PAID.value,
        "paid_on": paid_on,
        "payment_reference": serial,
        "paid_by": batch.approved_by,
    }
    done = await statements.set_status(uow.session, line.statement_id, paid)
    uow.emit(
        StatementPaid(
            **event_key(done),
            amount_fen=line.amount_fen,
            paid_on=paid_on,
            payment_reference=serial,
            batch_id=batch.batch_id,
        )
    )


async def batch_view(batch_id: uuid.UUID, *, uow: UnitOfWork) -> BatchView:
    """A batch with its lines and flagged rows, or 404."""
    async with uow:
        batch = await repo.get_batch(uow.session, batch_id)
        if batch is None:
            raise NotFound("支付批次不存在", code="batch_not_found")
        flagged, _ = await flagged_rows.exceptions(uow.session, batch_id=batch_id, limit=1000)
        return BatchView(batch, await repo.lines(uow.session, batch_id), flagged)


async def batches_page(
    township_code: str, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[PaymentBatch], int]:
    """A page of the township's batches, newest first."""
    async with uow:
        return await repo.batches(uow.session, township_code, limit=limit, offset=offset)


async def set_bank_account(
    provider_code: str, values: dict[str, str], *, uow: UnitOfWork, user: str
) -> BankAccount:
    """A county officer records where a provider is paid (number and name sealed)."""
    async with uow:
        county = await _provider_county(uow, provider_code)
        row = {"provider_code": provider_code, "county_code": county, **values, "set_by": user}
        await repo.set_account(uow.session, row | {"account_last4": values["account_no"][-4:]})
        found = await repo.account(uow.session, provider_code)
        await uow.commit()
    assert found is not None  # just written
    return found


async def bank_account(provider_code: str, *, uow: UnitOfWork) -> BankAccount:
    """A provider's bank account (masked), or 404."""
    async with uow:
        found = await repo.account(uow.session, provider_code)
    if found is None:
        raise NotFound("该服务供给主体尚未登记收款账户", code="bank_account_not_found")
    return found


async def provider_county(provider_code: str, *, uow: UnitOfWork) -> str:
    """The provider's county (for jurisdiction), or 404."""
    async with uow:
        return await _provider_county(uow, provider_code)


async def _provider_county(uow: UnitOfWork, provider_code: str) -> str:
    county = await repo.provider_county(uow.session, provider_code)
    if county is None:
        raise NotFound("服务供给主体不存在", code="provider_not_found")
    return county


async def _locked_batch(uow: UnitOfWork, batch_id: uuid.UUID) -> PaymentBatch:
    batch = await repo.get_batch(uow.session, batch_id, lock=True)
    if batch is None:
        raise NotFound("支付批次不存在", code="batch_not_found")
    return batch


async def _format(uow: UnitOfWork, county_code: str) -> PaymentFormat:
    found = await bank_formats.get_format(uow.session, county_code)
    return found or bank_files.default_format(county_code)
