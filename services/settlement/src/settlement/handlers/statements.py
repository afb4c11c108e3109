"""Statements: the monthly settlement run, confirmation by the township, payment."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from civic.errors import Conflict, NotFound, Unprocessable
from civic.uow import UnitOfWork
from contracts.kinds import StatementPeriod
from contracts.settlement import (
    StatementConfirmed,
    StatementEvent,
    StatementHeld,
    StatementIssued,
)
from contracts.values import FundingTotal
from settlement.domain import funds
from settlement.domain.budgets import BudgetCheck, BudgetRuleError
from settlement.domain.months import period_year
from settlement.domain.statements import (
    SourceTotal,
    Statement,
    StatementStatus,
    check_confirm,
    check_second_person,
)
from settlement.handlers import budgets, carries, year_end
from settlement.repository import budgets as budget_repo
from settlement.repository import locks, statements


@dataclass(frozen=True)
class RunSettlement:
    """Settle one period for a township, a county or the whole city."""

    period_kind: StatementPeriod
    period: str
    scope_kind: str | None  # "township", "county" or None for every township
    scope: str | None


async def run_settlement(cmd: RunSettlement, *, uow: UnitOfWork) -> list[uuid.UUID]:
    """Builds or refreshes the period's draft statements; the same ledger gives the same result.
    A county that has closed the period's year is refused (409 ``year_closed``): its year-end
    report is final, so no statement of that year may change."""
    async with uow:
        if cmd.scope is not None:  # a township's or a county's run: its county decides
            await year_end.ensure_year_open(uow, cmd.scope[:6], cmd.period)
        await locks.lock(uow.session, "settle", cmd.period_kind.value, cmd.period)
        await statements.settle(
            uow.session,
            period_kind=cmd.period_kind.value,
            period=cmd.period,
            scope_kind=cmd.scope_kind,
            scope=cmd.scope,
        )
        heads, totals = await statements.issued(uow.session)
        for row in heads:
            uow.emit(_issued(row, totals.get(row.statement_id, [])))
        await uow.commit()
        return [row.statement_id for row in heads]


async def confirm_statement(
    statement_id: uuid.UUID, *, uow: UnitOfWork, user: str, now: datetime
) -> Statement:
    """The township confirms a draft: its month has ended, it is current, the 1% cap holds and
    so does every budget of its funds (else refused, or held for the county, by its policy)."""
    async with uow:
        row = await locked_statement(uow, statement_id)
        check_confirm(StatementStatus(row.status), row.period, now)
        await year_end.ensure_year_open(uow, row.county_code, row.period)
        if row.total_fen < 0:
            return await carries.carry_statement(uow, row, user=user, now=now)
        # Waits for lines being posted to this period, and keeps new ones out once confirmed.
        await locks.lock(uow.session, "statement", row.township_code, row.provider_id, row.period)
        await _ensure_current(uow, row)
        await _ensure_within_cap(uow, row)
        checks = await budgets.checks_of(uow, row)
        breach = await budgets.breach_to_hold(uow, row, checks)
        if breach is not None:
            done = await _hold(uow, row, breach, user=user)
        else:
            done = await _confirmed(uow, row, user=user, at=now)
            await budgets.warn(uow, done, checks)
        await uow.commit()
        return done


@dataclass(frozen=True)
class DecideHold:
    """The county approves a statement held for its budget, or sends it back to draft."""

    statement_id: uuid.UUID
    approve: bool
    note_zh: str | None
    decided_by: str


async def decide_budget_hold(cmd: DecideHold, *, uow: UnitOfWork, now: datetime) -> Statement:
    """Approves a held statement (confirmed in the name of the officer who asked) or refuses it."""
    if not cmd.approve and not (cmd.note_zh or "").strip():
        raise BudgetRuleError("note_required", "退回结算单须填写说明", field="body.note_zh")
    async with uow:
        row = await locked_statement(uow, cmd.statement_id)
        hold = await budget_repo.open_hold(uow.session, cmd.statement_id)
        if row.status != StatementStatus.HELD.value or hold is None:
            status = StatementStatus(row.status).label_zh
            raise Conflict(f"结算单当前状态为“{status}”，无需预算审批", code="statement_not_held")
        check_second_person(
            initiated_by=hold["requested_by"], approver=cmd.decided_by, action_zh="超预算审批"
        )
        decision = {"approved": cmd.approve, "note_zh": cmd.note_zh, "decided_by": cmd.decided_by}
        await budget_repo.decide(uow.session, hold["approval_id"], {**decision, "decided_at": now})
        if cmd.approve:
            checks = await budgets.checks_of(uow, row)
            done = await _confirmed(uow, row, user=hold["requested_by"], at=now)
            await budgets.warn(uow, done, checks)
        else:
            done = await statements.set_status(uow.session, row.statement_id, {"status": "draft"})
        await uow.commit()
        return done


async def _confirmed(uow: UnitOfWork, row: Statement, *, user: str, at: datetime) -> Statement:
    values = {"status": "confirmed", "confirmed_by": user, "confirmed_at": at}
    done = await statements.set_status(uow.session, row.statement_id, values)
    uow.emit(StatementConfirmed(**event_key(done), total_fen=done.total_fen, confirmed_by=user))
    return done


async def _hold(uow: UnitOfWork, row: Statement, breach: BudgetCheck, *, user: str) -> Statement:
    figures = {
        "division_code": breach.division_code,
        "funding_source": breach.funding_source,
        "budget_fen": breach.budget_fen,
        "committed_fen": breach.committed_fen,
        "statement_fen": breach.statement_fen,
    }
    done = await statements.set_status(uow.session, row.statement_id, {"status": "held"})
    await budget_repo.add_hold(
        uow.session,
        {**figures, "statement_id": row.statement_id, "year": breach.year, "requested_by": user},
    )
    uow.emit(StatementHeld(**event_key(done), **figures))
    return done


async def locked_statement(uow: UnitOfWork, statement_id: uuid.UUID) -> Statement:
    """The statement, locked for update in the unit of work; 404 when there is none."""
    row = await statements.get(uow.session, statement_id, lock=True)
    if row is None:
        raise NotFound("结算单不存在", code="statement_not_found")
    return row


async def _ensure_current(uow: UnitOfWork, row: Statement) -> None:
    fresh = await statements.recompute(uow.session, row.statement_id)
    if (fresh.line_count, fresh.total_fen) != (row.line_count, row.total_fen):
        raise Conflict(
            "台账在结算单生成后有新的记录，请重新生成结算单后再确认",
            code="statement_stale",
            extra={"statement_lines": row.line_count, "ledger_lines": fresh.line_count},
        )


async def _ensure_within_cap(uow: UnitOfWork, row: Statement) -> None:
    year = period_year(row.period)
    capped = funds.CAPPED_SOURCE.value
    mine = sum(
        t.amount_fen
        for t in await statements.source_totals(uow.session, row.statement_id)
        if t.funding_source == capped
    )
    if mine <= 0:
        return
    await locks.lock(uow.session, "cap", row.county_code, year)
    check = funds.check_cap(
        locality_code=row.county_code,
        year=year,
        assistance_total_fen=await statements.assistance_total(uow.session, row.county_code, year),
        used_fen=await statements.capped_used(uow.session, row.county_code, year),
        statement_fen=mine,
    )
    if not check.allowed:
        raise Unprocessable(
            _cap_message(check), code="assistance_fund_cap_exceeded", extra=check.figures()
        )


def _cap_message(check: funds.CapCheck) -> str:
    if check.cap_fen is None:
        return (
            f"{check.year}年度本地社会救助资金总额尚未登记，"
            "无法核定社会救助工作经费1%上限，不能确认"
        )
    return (
        f"社会救助工作经费或专项经费用于服务的支出将达{check.would_be_fen}分，"
        f"超过本地社会救助资金总额{check.assistance_total_fen}分的1%（{check.cap_fen}分），"
        f"超出{check.over_by_fen}分，不能确认"
    )


def event_key(row: Statement) -> dict[str, Any]:
    """What every statement event copies from the statement: its id, version, payee and period."""
    shared = StatementEvent.model_fields.keys() & {field.name for field in fields(Statement)}
    return {name: getattr(row, name) for name in shared}


def _issued(row: Statement, totals: list[SourceTotal]) -> StatementIssued:
    parts = tuple(
        FundingTotal(funding_source=t.funding_source, amount_fen=t.amount_fen) for t in totals
    )
    return StatementIssued(
        **event_key(row),
        total_fen=row.total_fen,
        line_count=row.line_count,
        by_funding_source=parts,
    )
