"""Routes of the service records (billed or not, with the reason) and the ledger."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from civic.audit import reads_personal, saw
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.fields import Period
from settlement.adapters.tables import ledger_csv
from settlement.api.common import MONTH_PATTERN, Officer, PagingDep, ensure_division
from settlement.domain.ledger import LineFilter, RecordFilter
from settlement.domain.months import first_day, last_day
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.domain.records import ServiceRecord
from settlement.handlers import ledger as reads
from settlement.schemas import LedgerLineRead, Page, RecordRead

router = APIRouter(tags=["ledger 台账"])

TownshipQ = Annotated[str, Query(pattern=r"^\d{9}$", description="Township/street code.")]
MonthQ = Annotated[
    str, Query(pattern=MONTH_PATTERN, description="Month YYYY-MM (2000-01 to 2099-12).")
]


@router.get(
    "/records",
    response_model=Page[RecordRead],
    responses=PROBLEM_RESPONSES,
    summary="服务记录及结算情况",
    openapi_extra=reads_personal("service_record"),
)
async def list_records(
    township_code: TownshipQ,
    month: MonthQ,
    officer: Officer,
    uow: UowDep,
    paging: PagingDep,
    billing_status: BillingStatus | None = None,
) -> Page[RecordRead]:
    """The township's services of a month; those not billed are listed with their reason."""
    ensure_division(officer, township_code)
    status = None if billing_status is None else billing_status.value
    which = RecordFilter(township_code, first_day(month), last_day(month), status)
    records, total = await reads.records_page(
        which, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [_record(record) for record in records]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get(
    "/ledger",
    response_model=Page[LedgerLineRead],
    responses=PROBLEM_RESPONSES,
    summary="结算台账",
    openapi_extra=reads_personal("ledger"),
)
async def list_ledger(
    township_code: TownshipQ,
    period: Annotated[Period, Query(description="YYYY-MM or YYYY.")],
    officer: Officer,
    uow: UowDep,
    paging: PagingDep,
) -> Page[LedgerLineRead]:
    """The ledger lines landing on a township's period, in posting order."""
    ensure_division(officer, township_code)
    lines, total = await reads.lines_page(
        LineFilter(township_code, period), uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [LedgerLineRead.model_validate(line, from_attributes=True) for line in lines]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get(
    "/ledger.csv",
    responses=PROBLEM_RESPONSES,
    summary="导出结算台账(CSV)",
    openapi_extra=reads_personal("ledger"),
)
async def export_ledger(
    township_code: TownshipQ,
    period: Annotated[Period, Query(description="YYYY-MM or YYYY.")],
    officer: Officer,
    uow: UowDep,
) -> StreamingResponse:
    """The township's ledger lines for a period as CSV (UTF-8 with BOM, Chinese headers)."""
    ensure_division(officer, township_code)
    lines = await reads.all_lines(LineFilter(township_code, period), uow=uow)
    # CSV names nobody the audit can read: the people are named from the lines themselves.
    saw(*(line.person_id for line in lines))
    name = f"ledger-{township_code}-{period}.csv"
    return StreamingResponse(
        ledger_csv(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _record(record: ServiceRecord) -> RecordRead:
    reason = record.reason_code
    return RecordRead.model_validate(
        {
            **asdict(record),
            "billing_status_zh": BillingStatus(record.billing_status).label_zh,
            "reason_zh": NotBillableReason(reason).label_zh if reason else None,
        }
    )
