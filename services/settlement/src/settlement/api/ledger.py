"""Routes of the service records (billed or not, with the reason) and the ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Row, func, select

from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.fields import Period
from settlement.api.common import MONTH_PATTERN, Officer, PagingDep, ensure_division
from settlement.domain.months import first_day, last_day
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.exports.tables import ledger_csv
from settlement.orm import ledger_line, service_record
from settlement.repository import ledger
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
    r = service_record.c
    where = [
        r.township_code == township_code,
        r.service_date >= first_day(month),
        r.service_date <= last_day(month),
    ]
    if billing_status is not None:
        where.append(r.billing_status == billing_status.value)
    async with uow:
        total = (
            await uow.session.execute(
                select(func.count()).select_from(service_record).where(*where)
            )
        ).scalar_one()
        rows = await uow.session.execute(
            select(service_record)
            .where(*where)
            .order_by(r.service_date, r.record_id)
            .limit(paging.size)
            .offset(paging.offset)
        )
    return Page(items=[_record(x) for x in rows], total=total, page=paging.page, size=paging.size)


@router.get(
    "/ledger", response_model=Page[LedgerLineRead], responses=PROBLEM_RESPONSES, summary="结算台账"
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
    where = [ledger_line.c.township_code == township_code, ledger_line.c.period == period]
    async with uow:
        total = (
            await uow.session.execute(select(func.count()).select_from(ledger_line).where(*where))
        ).scalar_one()
        rows = await ledger.lines(uow.session, *where, limit=paging.size, offset=paging.offset)
    items = [LedgerLineRead.model_validate(dict(x._mapping)) for x in rows]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get("/ledger.csv", responses=PROBLEM_RESPONSES, summary="导出结算台账(CSV)")
async def export_ledger(
    township_code: TownshipQ,
    period: Annotated[Period, Query(description="YYYY-MM or YYYY.")],
    officer: Officer,
    uow: UowDep,
) -> StreamingResponse:
    """The township's ledger lines for a period as CSV (UTF-8 with BOM, Chinese headers)."""
    ensure_division(officer, township_code)
    async with uow:
        rows = await ledger.lines(
            uow.session,
            ledger_line.c.township_code == township_code,
            ledger_line.c.period == period,
        )
    name = f"ledger-{township_code}-{period}.csv"
    return StreamingResponse(
        ledger_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _record(row: Row[Any]) -> RecordRead:
    data = dict(row._mapping)
    reason = data.get("reason_code")
    return RecordRead(
        **data,
        billing_status_zh=BillingStatus(data["billing_status"]).label_zh,
        reason_zh=NotBillableReason(reason).label_zh if reason else None,
    )
