"""Routes of payments: a batch of confirmed statements, approved by a second person, sent to
the bank as a file in the county's format; the bank's return decides what is paid."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from fastapi.responses import Response

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Forbidden, Unprocessable
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts import divisions
from settlement.adapters.bank_files import FileColumn, PaymentFormat
from settlement.api.common import (
    Approver,
    County,
    PagingDep,
    StaffReader,
    Township,
    ensure_county,
    ensure_division,
)
from settlement.domain.payments import (
    BankAccount,
    BatchStatus,
    BatchView,
    LineStatus,
    ReturnImport,
)
from settlement.handlers import payments
from settlement.schemas import Page
from settlement.schemas.payments import (
    BankAccountRead,
    BankAccountSet,
    BatchCreate,
    BatchLineRead,
    BatchRead,
    PaymentExceptionRead,
    PaymentFormatRead,
    PaymentFormatSet,
    ReturnRead,
    ReturnRowRead,
)

# Batches and returns name providers and amounts, never a person served; a bank file and a
# bank account name the payee's account (a neighbour helper's is a person's): those reads
# are audited.
router = APIRouter(tags=["payments 支付"], responses=PROBLEM_RESPONSES)
NOT_PERSONAL = reads_personal(None)
#: A bank return of a township's batch is a few hundred rows; a megabyte is plenty.
RETURN_MAX_BYTES = 1024 * 1024
Township9 = Annotated[str, Query(pattern=r"^\d{9}$", description="Township/street code.")]


@router.put(
    "/payment-formats/{county_code}", summary="设定银行支付文件格式", openapi_extra=NOT_PERSONAL
)
async def put_format(
    county_code: str, body: PaymentFormatSet, officer: County, uow: UowDep
) -> PaymentFormatRead:
    """A county officer sets the columns, headers, delimiter and encoding its bank accepts."""
    ensure_county(officer, county_code)
    fmt = PaymentFormat(
        county_code=county_code,
        columns=tuple(FileColumn(c.field, c.header_zh) for c in body.columns),
        return_columns=tuple(FileColumn(c.field, c.header_zh) for c in body.return_columns),
        has_header=body.has_header,
        delimiter=body.delimiter,
        encoding=body.encoding,
    )
    return _format_read(await payments.set_payment_format(fmt, uow=uow, user=officer.user_id))


@router.get(
    "/payment-formats/{county_code}", summary="银行支付文件格式", openapi_extra=NOT_PERSONAL
)
async def get_format(county_code: str, reader: StaffReader, uow: UowDep) -> PaymentFormatRead:
    """The county's bank file format (the default one until the county sets its own)."""
    _ensure_in_county(reader, county_code)
    return _format_read(await payments.payment_format(county_code, uow=uow))


@router.post(
    "/payment-batches",
    status_code=status.HTTP_201_CREATED,
    summary="生成支付批次",
    openapi_extra=NOT_PERSONAL,
)
async def create_batch(body: BatchCreate, officer: Township, uow: UowDep) -> BatchRead:
    """A township officer batches every confirmed statement not yet paid nor with the bank."""
    ensure_division(officer, body.township_code)
    batch = await payments.create_batch(
        body.township_code, uow=uow, user=officer.user_id, now=clock.now()
    )
    return _batch_read(await payments.batch_view(batch.batch_id, uow=uow))


@router.get("/payment-batches", summary="支付批次列表", openapi_extra=NOT_PERSONAL)
async def list_batches(
    township_code: Township9, reader: StaffReader, uow: UowDep, paging: PagingDep
) -> Page[BatchRead]:
    """The township's batches, newest first (without their lines)."""
    ensure_division(reader, township_code)
    found, total = await payments.batches_page(
        township_code, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [_batch_read(BatchView(batch, [], [])) for batch in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get("/payment-batches/{batch_id}", summary="支付批次详情", openapi_extra=NOT_PERSONAL)
async def get_batch(batch_id: uuid.UUID, reader: StaffReader, uow: UowDep) -> BatchRead:
    """A batch with its lines, what the bank said of each, and the rows flagged on it."""
    return _batch_read(await _readable(batch_id, reader, uow))


@router.post(
    "/payment-batches/{batch_id}/approve", summary="审批支付批次", openapi_extra=NOT_PERSONAL
)
async def approve_batch(batch_id: uuid.UUID, approver: Approver, uow: UowDep) -> BatchRead:
    """A second person pays: not the batch's maker, nor who confirmed any of its statements."""
    await _readable(batch_id, approver, uow)
    await payments.approve_batch(batch_id, uow=uow, user=approver.user_id, now=clock.now())
    return _batch_read(await payments.batch_view(batch_id, uow=uow))


@router.get(
    "/payment-batches/{batch_id}/bank-file",
    summary="导出银行支付文件",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    # The file holds the payees' account numbers and names in clear: each download is audited.
    openapi_extra=reads_personal("bank_account"),
)
async def bank_file(batch_id: uuid.UUID, approver: Approver, uow: UowDep) -> Response:
    """The approved batch as the county's bank file; the first download sends it to the bank."""
    await _readable(batch_id, approver, uow)
    batch, content = await payments.export_batch(
        batch_id, uow=uow, user=approver.user_id, now=clock.now()
    )
    fmt = await payments.payment_format(batch.county_code, uow=uow)
    charset = "gbk" if fmt.encoding == "gbk" else "utf-8"
    name = f"payment-B{batch.batch_no}-{batch.township_code}.csv"
    return Response(
        content,
        media_type=f"text/csv; charset={charset}",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/payment-batches/{batch_id}/bank-return", summary="导入银行回盘", openapi_extra=NOT_PERSONAL
)
async def bank_return(
    batch_id: uuid.UUID,
    approver: Approver,
    uow: UowDep,
    file: Annotated[UploadFile, File(description="The bank's return file (CSV).")],
) -> ReturnRead:
    """Matches the bank's return line by line: paid, failed (re-issued next batch), flagged."""
    await _readable(batch_id, approver, uow)
    content = await file.read(RETURN_MAX_BYTES + 1)
    if len(content) > RETURN_MAX_BYTES:
        raise Unprocessable(
            "回盘文件过大（超过1MB）", code="bank_return_too_large", field="body.file"
        )
    done = await payments.import_return(
        batch_id, content, uow=uow, user=approver.user_id, now=clock.now()
    )
    return _return_read(done)


@router.put(
    "/providers/{provider_code}/bank-account",
    summary="登记服务供给主体收款账户",
    openapi_extra=reads_personal("bank_account"),
)
async def put_bank_account(
    provider_code: str, body: BankAccountSet, officer: County, uow: UowDep
) -> BankAccountRead:
    """A county officer records where its provider is paid (sealed; answered masked)."""
    ensure_county(officer, await payments.provider_county(provider_code, uow=uow))
    found = await payments.set_bank_account(
        provider_code, body.model_dump(), uow=uow, user=officer.user_id
    )
    return _account_read(found)


@router.get(
    "/providers/{provider_code}/bank-account",
    summary="服务供给主体收款账户",
    openapi_extra=reads_personal("bank_account"),
)
async def get_bank_account(provider_code: str, reader: StaffReader, uow: UowDep) -> BankAccountRead:
    """A provider's bank account, the number masked (staff of its county; the read is audited)."""
    _ensure_in_county(reader, await payments.provider_county(provider_code, uow=uow))
    return _account_read(await payments.bank_account(provider_code, uow=uow))


def _account_read(found: BankAccount) -> BankAccountRead:
    return BankAccountRead.model_validate(
        {**asdict(found), "account_no_masked": found.account_no_masked}
    )


async def _readable(batch_id: uuid.UUID, principal: Principal, uow: UnitOfWork) -> BatchView:
    """The batch, if it is of a township inside the caller's jurisdiction."""
    view = await payments.batch_view(batch_id, uow=uow)
    ensure_division(principal, view.batch.township_code)
    return view


def _ensure_in_county(principal: Principal, county_code: str) -> None:
    """Staff of the county or of one of its townships."""
    inside = principal.division is not None and divisions.contains(county_code, principal.division)
    if not (inside or principal.covers(county_code)):
        raise Forbidden("该事项不在您的管辖范围内", code="outside_jurisdiction")


def _format_read(fmt: PaymentFormat) -> PaymentFormatRead:
    return PaymentFormatRead.model_validate(
        {
            **asdict(fmt),
            "is_default": fmt.set_by is None,
            "columns": [asdict(c) for c in fmt.columns],
            "return_columns": [asdict(c) for c in fmt.return_columns],
        }
    )


def _batch_read(view: BatchView) -> BatchRead:
    batch = view.batch
    lines = [
        BatchLineRead.model_validate(
            {**asdict(line), "status_zh": LineStatus(line.status).label_zh}
        )
        for line in view.lines
    ]
    return BatchRead.model_validate(
        {
            **asdict(batch),
            "status_zh": BatchStatus(batch.status).label_zh,
            "lines": lines,
            "exceptions": [PaymentExceptionRead.model_validate(asdict(x)) for x in view.exceptions],
        }
    )


def _return_read(done: ReturnImport) -> ReturnRead:
    rows = [
        ReturnRowRead(
            row_no=m.row.row_no,
            line_ref=m.row.line_ref,
            outcome=m.outcome.value,
            outcome_zh=m.outcome.label_zh,
            statement_id=m.line.statement_id if m.line else None,
            flag=m.flag,
            detail_zh=m.detail_zh,
        )
        for m in done.matches
    ]
    return ReturnRead(
        batch_id=done.batch.batch_id,
        batch_status=done.batch.status,
        already_imported=done.already_imported,
        counts=done.counts,
        rows=rows,
    )
