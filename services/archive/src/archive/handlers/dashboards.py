"""Use cases of the dashboards (issue 22): keeping the read model as events arrive, and
reading chain timing, caseload, coverage and stops for a division the caller may see."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive.domain import dashboards as dash
from archive.domain.chain import CHAIN_EVENTS, Chain, SpanFigures, fact_of, slowest, span_figures
from archive.domain.places import scope_prefix
from archive.repository import dashboards as repo
from civic import clock
from civic.batches import EventHandler
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.calendar import start_of_day
from contracts.envelope import Event

#: Every event type the read model learns from (all on topics archive already reads).
OBSERVED: frozenset[str] = CHAIN_EVENTS | dash.STOP_EVENTS


async def observe(event: Event, *, uow: UnitOfWork) -> None:
    """Folds the event into the read model; the same event again changes nothing."""
    async with uow:
        if (fact := fact_of(event)) is not None:
            await repo.merge_chain(uow.session, fact)
        stop = dash.stop_fact_of(event)
        if isinstance(stop, dash.Stop):
            await repo.save_stop(uow.session, stop)
        elif isinstance(stop, dash.OrderEnd):
            await repo.save_order_end(uow.session, stop)
        elif isinstance(stop, dash.Unacknowledged):
            await repo.save_unacknowledged(uow.session, stop)
        await uow.commit()


def observing(handler: EventHandler) -> EventHandler:
    """The consumer's use case, then the read model, in the one transaction of the event."""

    @functools.wraps(handler)
    async def both(event: Any, uow: UnitOfWork) -> None:
        await handler(event, uow)
        await observe(event, uow=uow)

    return both


def _scope(principal: Principal, division_code: str | None) -> str:
    """The division asked for (the caller's own by default), checked against theirs."""
    chosen = division_code or principal.division or ""
    ensure_jurisdiction(principal, chosen)
    return scope_prefix(chosen)


@dataclass(frozen=True)
class TownshipTiming:
    """One township's chain timing in a month, and its slowest cases."""

    township_code: str
    spans: list[SpanFigures]
    slowest: list[Chain]


async def chain_timing(
    division_code: str | None, month: str, *, uow: UnitOfWork, principal: Principal
) -> tuple[date, list[TownshipTiming]]:
    """Per township under the division: each span's figures in the month, the slowest cases;
    with the day open cases are measured to."""
    prefix, days = _scope(principal, division_code), dash.month_days(month)
    as_of = dash.as_of(days, clock.today())
    async with uow:
        chains = await repo.chains_alive(uow.session, prefix, start_of_day(days[0]))
    by_township = dash.group_by(chains, "township_code")
    return as_of, [
        TownshipTiming(code, span_figures(rows, days), slowest(rows, days, as_of))
        for code, rows in by_township.items()
    ]


async def caseload(
    division_code: str | None, *, uow: UnitOfWork, principal: Principal
) -> list[dash.Caseload]:
    """Current recipients per village and category under the division."""
    prefix = _scope(principal, division_code)
    async with uow:
        return await repo.caseload(uow.session, prefix)


async def coverage(
    division_code: str | None, month: str, *, uow: UnitOfWork, principal: Principal
) -> list[dash.Coverage]:
    """Per village: current recipients' approved items, and those served in the month."""
    prefix, (start, end) = _scope(principal, division_code), dash.month_days(month)
    last_day = dash.as_of((start, end), date.max)
    async with uow:
        files = await repo.served_files(uow.session, prefix, last_day)
        served = await repo.served_items(uow.session, prefix, start, end)
    return dash.coverage(files, served)


async def stops(
    division_code: str | None, month: str, *, uow: UnitOfWork, principal: Principal
) -> list[dash.StopView]:
    """Stops effective in the month under the division, with the orders each ended."""
    prefix, (start, end) = _scope(principal, division_code), dash.month_days(month)
    async with uow:
        found = await repo.stops_in(uow.session, prefix, start, end)
        ended = await repo.ended_orders(uow.session, [s.stop_event_id for s, _ in found])
        still_open = await repo.open_orders(uow.session, {s.person_id for s, _ in found})
    return [
        dash.StopView(
            stop=s,
            township_code=row["township_code"],
            village_code=row["village_code"],
            display_name=row["display_name"],
            service_number=row["service_number"],
            ended=ended.get(s.stop_event_id, []),
            still_open=still_open.get(s.person_id, 0),
        )
        for s, row in found
    ]
