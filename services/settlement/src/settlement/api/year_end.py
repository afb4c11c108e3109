"""Routes of the year-end: a year's funds closed with a report per fund (JSON, CSV, PDF)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts import divisions
from settlement.adapters.year_report_pdf import fund_label, year_end_csv, year_end_pdf
from settlement.api.common import County, Officer, ensure_county, ensure_division
from settlement.handlers import year_end
from settlement.handlers.year_end import FundYearEnd, YearEndReport
from settlement.schemas.year_end import FundYearEndRead, YearEndRead

# The report adds up funds and names no one served: every route declares reads_personal(None).
router = APIRouter(prefix="/funds", tags=["year end 年度决算"])

Year = Annotated[int, Path(ge=2023, le=2100, description="The year (Asia/Shanghai).")]
Division = Annotated[str, Path(pattern=r"^(\d{6}|\d{9})$", description="County or township code.")]
CountyCode = Annotated[str, Path(pattern=r"^\d{6}$", description="County code.")]


@router.get(
    "/{division_code}/{year}/year-end",
    response_model=YearEndRead,
    responses=PROBLEM_RESPONSES,
    summary="年度资金决算表",
    openapi_extra=reads_personal(None),
)
async def get_year_end(
    division_code: Division, year: Year, reader: Officer, uow: UowDep
) -> YearEndRead:
    """Each fund's year — budget, committed, paid, reversed, carried — beside the ledger."""
    return year_end_read(await _report(reader, division_code, year, uow))


@router.get(
    "/{division_code}/{year}/year-end.csv",
    responses=PROBLEM_RESPONSES,
    summary="导出年度资金决算表(CSV)",
    openapi_extra=reads_personal(None),
)
async def export_year_end(
    division_code: Division, year: Year, reader: Officer, uow: UowDep
) -> Response:
    """The year-end report as CSV (UTF-8 with BOM, Chinese headers, amounts in fen)."""
    report = await _report(reader, division_code, year, uow)
    return Response(
        year_end_csv(report).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"year-end-{division_code}-{year}.csv"),
    )


@router.get(
    "/{division_code}/{year}/year-end.pdf",
    responses=PROBLEM_RESPONSES,
    summary="打印年度资金决算表(PDF)",
    openapi_extra=reads_personal(None),
)
async def print_year_end(
    division_code: Division, year: Year, reader: Officer, uow: UowDep
) -> Response:
    """The year-end report as a printable A4 PDF in Chinese."""
    report = await _report(reader, division_code, year, uow)
    return Response(
        year_end_pdf(report, now=clock.now()),
        media_type="application/pdf",
        headers=_attachment(f"year-end-{division_code}-{year}.pdf"),
    )


@router.post(
    "/{county_code}/{year}/close",
    response_model=YearEndRead,
    responses=PROBLEM_RESPONSES,
    summary="年度资金决算关账",
    openapi_extra=reads_personal(None),
)
async def close_year(
    county_code: CountyCode, year: Year, officer: County, uow: UowDep
) -> YearEndRead:
    """A county officer closes the year once no statement is open; again: the same snapshot."""
    ensure_county(officer, county_code)
    report = await year_end.close_year(
        county_code, year, uow=uow, user=officer.user_id, now=clock.now()
    )
    return year_end_read(report)


async def _report(
    reader: Principal, division_code: str, year: int, uow: UnitOfWork
) -> YearEndReport:
    if len(division_code) == 6:
        ensure_county(reader, division_code)
    else:
        ensure_division(reader, division_code)
    return await year_end.year_end_report(division_code, year, uow=uow)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def year_end_read(report: YearEndReport) -> YearEndRead:
    """The report shaped for the answer, with Chinese names and each fund's balance."""
    return YearEndRead(
        division_code=report.division_code,
        division_zh=divisions.full_name_zh(report.division_code),
        year=report.year,
        funds=[_fund(row) for row in report.funds],
        total=_fund(report.total),
        balanced=report.balanced,
        drafts=report.drafts,
        held=report.held,
        unsettled=report.unsettled,
        closed=report.closed_by is not None,
        closed_by=report.closed_by,
        closed_at=report.closed_at,
    )


def _fund(row: FundYearEnd) -> FundYearEndRead:
    return FundYearEndRead(
        **row.__dict__,
        label_zh=fund_label(row.funding_source),
        difference_fen=row.difference_fen,
        balanced=row.balanced,
    )
