"""Routes of the monthly settlement: run, read, confirm, export and print statements."""

from __future__ import annotations

import uuid
from dataclasses import asdict, replace
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, StreamingResponse

from civic import clock
from civic.audit import reads_personal, saw
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Forbidden, Unprocessable
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.enums import Role
from contracts.kinds import StatementPeriod
from settlement.adapters.tables import carry_rows, ledger_csv
from settlement.api.common import (
    STAFF_READERS,
    County,
    Officer,
    PagingDep,
    Reader,
    Township,
    ensure_county,
    ensure_division,
    ensure_statement_reader,
)
from settlement.api.views import held_figures, statement_read, statement_summary
from settlement.domain.ledger import LineFilter
from settlement.domain.statements import Statement, StatementStatus
from settlement.handlers import budgets, reversals
from settlement.handlers import ledger as ledger_reads
from settlement.handlers import statement_reads as reads
from settlement.handlers import statements as use_cases
from settlement.handlers.subsidy import RunSubsidy, run_subsidy
from settlement.repository.statements import StatementFilter
from settlement.schemas import Page, RunRead, StatementRead, SubsidyRun
from settlement.schemas.budgets import BudgetDecision
from settlement.schemas.statements import PendingReversal

# A statement, as JSON or printed, holds a provider's totals by item and fund and names no one
# served: its routes declare reads_personal(None). Only its lines (lines.csv) point at people.
router = APIRouter(tags=["statements 结算单"])

Month = Annotated[
    str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="Month YYYY-MM (Asia/Shanghai).")
]
Division = Annotated[
    str, Path(pattern=r"^(\d{6}|\d{9})$", description="Township code, or county code.")
]


@router.post(
    "/settlements/{division_code}/{month}/run",
    response_model=RunRead,
    responses=PROBLEM_RESPONSES,
    summary="生成月度结算单",
    openapi_extra=reads_personal(None),
)
async def run_month(
    division_code: Division, month: Month, officer: Officer, uow: UowDep
) -> RunRead:
    """Builds or refreshes the draft statements of a township or (county officer) a county."""
    _may_run(officer, division_code)
    scope = "township" if len(division_code) == 9 else "county"
    cmd = use_cases.RunSettlement(StatementPeriod.MONTHLY, month, scope, division_code)
    changed = await use_cases.run_settlement(cmd, uow=uow)
    if scope == "township":
        which = StatementFilter(township_code=division_code, period=month)
    else:
        which = StatementFilter(county_code=division_code, period=month)
    shown = await reads.details_of_all(which, uow=uow)
    return RunRead(period=month, changed=changed, statements=[statement_read(x) for x in shown])


@router.post(
    "/subsidies/{township_code}/{year}/run",
    response_model=RunRead,
    responses=PROBLEM_RESPONSES,
    summary="生成邻里互助年度补贴结算单",
    openapi_extra=reads_personal(None),
)
async def run_neighbour_subsidy(
    township_code: Annotated[str, Path(pattern=r"^\d{9}$")],
    year: Annotated[int, Path(ge=2023, le=2100)],
    body: SubsidyRun,
    officer: Township,
    uow: UowDep,
) -> RunRead:
    """Counts the year's neighbour mutual-aid services and issues the yearly subsidy statements."""
    ensure_division(officer, township_code)
    cmd = RunSubsidy(township_code, year, body.rate_fen, body.funding_source)
    changed = await run_subsidy(cmd, uow=uow)
    which = StatementFilter(township_code=township_code, period=f"{year:04d}")
    shown = await reads.details_of_all(which, uow=uow)
    statements = [statement_read(x) for x in shown]
    return RunRead(period=f"{year:04d}", changed=changed, statements=statements)


@router.get(
    "/statements",
    response_model=Page[StatementRead],
    responses=PROBLEM_RESPONSES,
    summary="结算单列表",
    openapi_extra=reads_personal(None),
)
async def list_statements(
    reader: Reader,
    uow: UowDep,
    paging: PagingDep,
    township_code: Annotated[str | None, Query(pattern=r"^\d{9}$")] = None,
    period: Annotated[str | None, Query(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$")] = None,
    status: Annotated[StatementStatus | None, Query(description="Only this status.")] = None,
    county_code: Annotated[
        str | None, Query(pattern=r"^\d{6}$", description="A whole county (county staff).")
    ] = None,
) -> Page[StatementRead]:
    """Statements of a township or (county staff) a county, or only the caller's own (a
    provider); ``status=held`` is the county's queue of statements waiting for its budget."""
    which = replace(
        _list_scope(reader, township_code, county_code),
        period=period or None,
        status=None if status is None else status.value,
    )
    found, total = await reads.statements_page(
        which, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [statement_summary(statement) for statement in found]
    if reader.has_any(*STAFF_READERS):
        await _with_held_figures(items, uow)
    return Page(items=items, total=total, page=paging.page, size=paging.size)


async def _with_held_figures(items: list[StatementRead], uow: UnitOfWork) -> None:
    """Adds to each held statement the budget it waits on (one read for the whole page)."""
    held = [item.statement_id for item in items if item.status == StatementStatus.HELD.value]
    holds = await budgets.holds_of(held, uow=uow)
    for item in items:
        if item.statement_id in holds:
            item.held = held_figures(holds[item.statement_id])


@router.get(
    "/statements/{statement_id}",
    response_model=StatementRead,
    responses=PROBLEM_RESPONSES,
    summary="结算单详情",
    openapi_extra=reads_personal(None),
)
async def get_statement(statement_id: uuid.UUID, reader: Reader, uow: UowDep) -> StatementRead:
    """One statement with its totals, the ledger's recomputation and any pending reversal."""
    statement = await readable_statement(uow, statement_id, reader)
    answer = statement_read(await reads.details(statement, uow=uow))
    if reader.has_any(*STAFF_READERS):
        pending = await reversals.pending_of(statement_id, uow=uow)
        if pending is not None:
            answer.pending_reversal = PendingReversal.model_validate(asdict(pending))
        await _with_held_figures([answer], uow)
    return answer


@router.post(
    "/statements/{statement_id}/confirm",
    response_model=StatementRead,
    responses=PROBLEM_RESPONSES,
    summary="确认结算单",
    openapi_extra=reads_personal(None),
)
async def confirm(statement_id: uuid.UUID, officer: Township, uow: UowDep) -> StatementRead:
    """The township officer confirms a draft; the month is then closed for this provider."""
    await readable_statement(uow, statement_id, officer)
    done = await use_cases.confirm_statement(
        statement_id, uow=uow, user=officer.user_id, now=clock.now()
    )
    return statement_read(await reads.details(done, uow=uow))


@router.post(
    "/statements/{statement_id}/budget-decision",
    response_model=StatementRead,
    responses=PROBLEM_RESPONSES,
    summary="超预算结算单县级审批",
    openapi_extra=reads_personal(None),
)
async def decide_budget(
    statement_id: uuid.UUID, body: BudgetDecision, officer: County, uow: UowDep
) -> StatementRead:
    """The county approves a statement held for its budget (confirmed) or sends it back to draft."""
    await readable_statement(uow, statement_id, officer)
    cmd = use_cases.DecideHold(statement_id, body.approve, body.note_zh, officer.user_id)
    done = await use_cases.decide_budget_hold(cmd, uow=uow, now=clock.now())
    return statement_read(await reads.details(done, uow=uow))


@router.get(
    "/statements/{statement_id}/lines.csv",
    responses=PROBLEM_RESPONSES,
    summary="导出结算单明细(CSV)",
    openapi_extra=reads_personal("statement_lines"),
)
async def export_statement(
    statement_id: uuid.UUID, reader: Reader, uow: UowDep
) -> StreamingResponse:
    """The statement's ledger lines as CSV (UTF-8 with BOM, Chinese headers)."""
    statement = await readable_statement(uow, statement_id, reader)
    which = LineFilter(
        statement.township_code,
        statement.period,
        provider_id=statement.provider_id,
        period_kind=statement.period_kind,
    )
    lines = await ledger_reads.all_lines(which, uow=uow)
    carries = carry_rows(statement, (await reads.details(statement, uow=uow)).by_item)
    # Unlike the statement's totals, its lines point at each person served (服务对象编号).
    saw(*(line.person_id for line in lines))
    name = f"statement-{statement.township_code}-{statement.provider_code}-{statement.period}.csv"
    return StreamingResponse(
        ledger_csv(lines, carries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/statements/{statement_id}/print",
    response_class=HTMLResponse,
    responses=PROBLEM_RESPONSES,
    summary="打印结算单",
    openapi_extra=reads_personal(None),
)
async def print_statement(statement_id: uuid.UUID, reader: Reader, uow: UowDep) -> HTMLResponse:
    """The statement as a printable Chinese page with signature blocks."""
    statement = await readable_statement(uow, statement_id, reader)
    return HTMLResponse(await reads.printable(statement, uow=uow, now=clock.now()))


async def readable_statement(
    uow: UnitOfWork, statement_id: uuid.UUID, principal: Principal
) -> Statement:
    """The statement, if the caller may read it (staff of its township, or its provider)."""
    statement = await reads.get_statement(statement_id, uow=uow)
    ensure_statement_reader(principal, statement.township_code, statement.provider_code)
    return statement


def _list_scope(
    reader: Principal, township_code: str | None, county_code: str | None
) -> StatementFilter:
    if not reader.has_any(*STAFF_READERS):
        # A provider sees its own statements and nothing else, whatever it asks for.
        return StatementFilter(provider_code=reader.provider_code, township_code=township_code)
    if county_code is not None and township_code is None:
        ensure_county(reader, county_code)
        return StatementFilter(county_code=county_code)
    if township_code is None:
        raise Unprocessable(
            "请指定乡镇(街道)代码", code="township_required", field="query.township_code"
        )
    ensure_division(reader, township_code)
    return StatementFilter(township_code=township_code)


def _may_run(officer: Principal, division_code: str) -> None:
    ensure_division(officer, division_code)
    township = len(division_code) == 9
    allowed = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER) if township else (Role.COUNTY_OFFICER,)
    if not officer.has_any(*allowed):
        names = "、".join(r.label_zh for r in allowed)
        raise Forbidden(f"当前角色无权生成结算单（需要：{names}）", code="role_forbidden")
