"""Neighbour mutual-aid subsidies (邻里互助补贴): yearly, from counted services, paid once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from civic.errors import Conflict
from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from contracts.kinds import StatementPeriod
from settlement.domain.rows import line_posted
from settlement.handlers.statements import RunSettlement, run_settlement
from settlement.repository import locks
from settlement.repository import subsidy as repo


@dataclass(frozen=True)
class RunSubsidy:
    """The township's yearly neighbour-aid subsidy: a rate per counted service and its fund."""

    township_code: str
    year: int
    rate_fen: int
    funding_source: FundingSource


async def run_subsidy(cmd: RunSubsidy, *, uow: UnitOfWork) -> list[uuid.UUID]:
    """Posts the year's counted services at the township's rate and issues the annual statements."""
    township_code, year = cmd.township_code, cmd.year
    async with uow:
        await locks.lock(uow.session, "subsidy", township_code, year)
        used = await repo.rates_used(uow.session, township_code, year)
        if used and used != {cmd.rate_fen}:
            raise Conflict(
                "本年度补贴标准已确定，不能更改",
                code="subsidy_rate_fixed",
                extra={"rate_fen": sorted(used)},
            )
        if await repo.year_closed(uow.session, township_code, year):
            raise Conflict("本年度邻里互助补贴已确认，不能再次生成", code="subsidy_closed")
        cause = uuid.uuid4()
        posted = await repo.post(
            uow.session, township_code, year, cmd.rate_fen, cmd.funding_source.value, cause
        )
        for values in posted:
            uow.emit(line_posted(values))
        settle = RunSettlement(StatementPeriod.ANNUAL, f"{year:04d}", "township", township_code)
        changed = await run_settlement(settle, uow=uow)
        await uow.commit()
        return changed
