"""Year-end: a year's funds reported per fund, equal to the ledger to the fen, and closed.

For a division (county or township), a year Y (periods ``Y`` and ``Y-01`` … ``Y-12``) and
a fund, all in integer fen:

* ``ledger_fen``      Σ ledger_line.amount_fen of Y's periods (charges, reversals, adjustments)
* ``reversed_fen``    the part of it from reversal lines (money taken back; ≤ 0)
* ``committed_fen``   stored totals of Y's statements confirmed or paid (``paid_fen`` of them paid)
* ``open_fen``        stored totals of Y's statements still draft or held
* ``carried_fen``     totals of Y's statements carried (negative) into a later period
* ``carried_in_fen``  carries taken by Y's periods from the year before (≤ 0)
* ``carried_out_fen`` carries from Y's periods into the next year (≤ 0)
* ``unsettled_fen``   lines and carries of Y's periods whose statement was never generated

The identity (``balanced`` when ``difference_fen`` is 0)::

    committed + open + unsettled + carried_out  =  ledger + carried_in

Every fen the ledger holds for the year, with what last year carried in, is committed, still
open, not yet settled, or carried into next year. Carries inside the year cancel: the carried
statement's total leaves the left side exactly as the taking statement's carry line enters it.
Statements check against the ledger on confirming, so a difference means a draft older than
its lines (run the settlement again) — or a fault worth an auditor's look.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

from civic.errors import Conflict
from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from settlement.domain.months import period_year
from settlement.repository import funds, locks
from settlement.repository import year_end as repo


@dataclass(frozen=True)
class FundYearEnd:
    """One fund's year: budget, committed, paid, reversed, carried, open, and the ledger."""

    funding_source: str
    budget_fen: int | None = None
    ledger_fen: int = 0
    reversed_fen: int = 0
    committed_fen: int = 0
    paid_fen: int = 0
    open_fen: int = 0
    carried_fen: int = 0
    carried_in_fen: int = 0
    carried_out_fen: int = 0
    unsettled_fen: int = 0

    @property
    def difference_fen(self) -> int:
        """Left side of the identity less the right side (0 when the report equals the ledger)."""
        accounted = self.committed_fen + self.open_fen + self.unsettled_fen + self.carried_out_fen
        return accounted - (self.ledger_fen + self.carried_in_fen)

    @property
    def balanced(self) -> bool:
        """True when the fund's figures equal its ledger to the fen."""
        return self.difference_fen == 0


@dataclass(frozen=True)
class YearEndReport:
    """A division's year per fund, its open work, and (for a closed year) who closed it."""

    division_code: str
    year: int
    funds: list[FundYearEnd]
    drafts: int = 0
    held: int = 0
    unsettled: int = 0
    closed_by: str | None = None
    closed_at: datetime | None = field(default=None, compare=False)

    @property
    def total(self) -> FundYearEnd:
        """Every fund added up (the budget too, when every fund with figures has one)."""
        sums = {
            f.name: sum(getattr(row, f.name) for row in self.funds)
            for f in fields(FundYearEnd)
            if f.name not in ("funding_source", "budget_fen")
        }
        budgets = [row.budget_fen for row in self.funds if row.budget_fen is not None]
        return FundYearEnd("total", budget_fen=sum(budgets) if budgets else None, **sums)

    @property
    def balanced(self) -> bool:
        """True when every fund balances."""
        return all(row.balanced for row in self.funds)

    def stored(self) -> dict[str, Any]:
        """The report as JSON for the closed year's snapshot (who and when are kept apart)."""
        values = asdict(self)
        values.pop("closed_by")
        values.pop("closed_at")
        return values


def fund_rows(figures: dict[str, dict[str, int]], budgets: dict[str, int]) -> list[FundYearEnd]:
    """One row per fund of the catalogue's list (and any other with figures), in that order."""
    names = [source.value for source in FundingSource]
    names += sorted((figures.keys() | budgets.keys()) - set(names))
    known = {f.name for f in fields(FundYearEnd)}
    rows = []
    for name in names:
        mine = {k: v for k, v in figures.get(name, {}).items() if k in known}
        # A carry into a period without a statement is as unsettled as a line there.
        unsettled = figures.get(name, {}).get("carry_unsettled_fen", 0)
        mine["unsettled_fen"] = mine.get("unsettled_fen", 0) + unsettled
        rows.append(FundYearEnd(name, budget_fen=budgets.get(name), **mine))
    return rows


def from_snapshot(stored: dict[str, Any]) -> YearEndReport:
    """A closed year's report read back from its snapshot."""
    report = dict(stored["report"])
    rows = [FundYearEnd(**row) for row in report.pop("funds")]
    return YearEndReport(
        **report, funds=rows, closed_by=stored["closed_by"], closed_at=stored["closed_at"]
    )


async def year_end_report(division_code: str, year: int, *, uow: UnitOfWork) -> YearEndReport:
    """A county's or township's year per fund; a closed county year answers its snapshot."""
    async with uow:
        if len(division_code) == 6:
            stored = await repo.snapshot(uow.session, division_code, year)
            if stored is not None:
                return from_snapshot(stored)
        return await _live(uow, division_code, year)


async def close_year(
    county_code: str, year: int, *, uow: UnitOfWork, user: str, now: datetime
) -> YearEndReport:
    """Closes a county's year once nothing is open; closing again answers the same snapshot."""
    async with uow:
        await locks.lock(uow.session, "year", county_code, year)
        stored = await repo.snapshot(uow.session, county_code, year)
        if stored is not None:
            return from_snapshot(stored)
        report = await _live(uow, county_code, year)
        _ensure_nothing_open(report)
        await repo.save_snapshot(
            uow.session,
            county_code=county_code,
            year=year,
            report=report.stored(),
            closed_by=user,
            closed_at=now,
        )
        await uow.commit()
        return YearEndReport(**{**report.__dict__, "closed_by": user, "closed_at": now})


async def ensure_year_open(uow: UnitOfWork, county_code: str, period: str) -> None:
    """Refuses (409 ``year_closed``) once the county has closed the period's year."""
    year = period_year(period)
    if await repo.is_closed(uow.session, county_code, year):
        raise Conflict(
            f"{year}年度资金已决算关账，不能再办理该年度的结算单",
            code="year_closed",
            extra={"county_code": county_code, "year": year},
        )


async def _live(uow: UnitOfWork, division_code: str, year: int) -> YearEndReport:
    figures = await repo.figures(uow.session, division_code, year)
    budgets = await funds.budgets(uow.session, division_code, year)
    counts = await repo.counts(uow.session, division_code, year)
    return YearEndReport(
        division_code,
        year,
        fund_rows(figures, budgets),
        drafts=counts["drafts"],
        held=counts["held"],
        unsettled=counts["unsettled"],
    )


def _ensure_nothing_open(report: YearEndReport) -> None:
    if report.drafts or report.held or report.unsettled:
        raise Conflict(
            f"{report.year}年度尚有{report.drafts}张草稿结算单、{report.held}张超预算待审批结算单、"
            f"{report.unsettled}个未生成结算单的结算期间，不能决算关账",
            code="year_has_open_statements",
            extra={"drafts": report.drafts, "held": report.held, "unsettled": report.unsettled},
        )
