"""Provider performance per month (绩效评价): ordered vs delivered, acceptance, spot checks."""

from __future__ import annotations

from typing import Any

from civic.uow import UnitOfWork
from contracts import calendar
from contracts.enums import PeriodUnit
from settlement.domain import performance as rules
from settlement.domain.months import first_day, last_day
from settlement.domain.timelines import OrderTimeline
from settlement.repository import performance as repo
from settlement.repository import readmodels


async def provider_performance(county_code: str, period: str, *, uow: UnitOfWork) -> dict[str, Any]:
    """Each provider's figures for one month of the county."""
    async with uow:
        start, end = first_day(period), last_day(period)
        orders = await repo.orders_active(uow.session, county_code, start, end)
        timelines = await readmodels.order_timelines(uow.session, (x.order_id for x in orders))
        scores: dict[str, rules.ProviderScore] = {}
        for order in orders:
            score = scores.setdefault(
                str(order.provider_id),
                rules.ProviderScore(str(order.provider_id), order.provider_code),
            )
            _count_order(score, order, timelines[order.order_id], start, end)
        for pid, figures in (await repo.delivered(uow.session, county_code, start, end)).items():
            score = scores.setdefault(pid, rules.ProviderScore(pid, ""))
            score.delivered_services = figures["delivered"]
            score.checked, score.passed = figures["checked"], figures["passed"]
        for pid, amount in (await repo.billed(uow.session, county_code, period)).items():
            scores.setdefault(pid, rules.ProviderScore(pid, "")).billed_fen = amount
        return {
            "county_code": county_code,
            "period": period,
            "providers": [s.summary() for s in scores.values()],
        }


def _count_order(
    score: rules.ProviderScore, order: Any, timeline: OrderTimeline, start: Any, end: Any
) -> None:
    days = rules.active_days(timeline, start, end)
    score.ordered_services += rules.expected_services(
        order.frequency_times, PeriodUnit(order.frequency_per), days
    )
    opened = calendar.start_of_day(start)
    closed = calendar.end_of_day(end)
    if not opened <= order.ordered_at < closed:
        return  # answered-or-not is counted in the month the order was made
    score.orders += 1
    if order.accepted_at is not None:
        score.accepted += 1
        score.accept_hours_total += (order.accepted_at - order.ordered_at).total_seconds() / 3600
    elif order.declined_at is not None:
        score.declined += 1
