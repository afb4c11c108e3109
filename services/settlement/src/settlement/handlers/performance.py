"""Provider performance (绩效评价): ordered vs delivered, acceptance, checks, complaints."""

from __future__ import annotations

from datetime import date
from typing import Any

from civic.uow import UnitOfWork
from contracts import calendar
from contracts.enums import PeriodUnit
from settlement.domain import performance as rules
from settlement.domain.timelines import OrderTimeline
from settlement.repository import performance as repo
from settlement.repository import readmodels

Scores = dict[str, rules.ProviderScore]


async def provider_performance(county_code: str, period: str, *, uow: UnitOfWork) -> dict[str, Any]:
    """Each provider's figures for one month (or year) of the county."""
    scores = await provider_scores(county_code, period, uow=uow)
    return {
        "county_code": county_code,
        "period": period,
        "providers": [s.summary() for s in scores.values()],
    }


async def provider_scores(
    county_code: str, period: str, *, uow: UnitOfWork, accept_within_hours: int = 24
) -> Scores:
    """Each provider's figures for the period, by provider id (joins the caller's work)."""
    start, end = rules.period_bounds(period)
    async with uow:
        orders = await repo.orders_active(uow.session, county_code, start, end)
        timelines = await readmodels.order_timelines(uow.session, (x.order_id for x in orders))
        scores: Scores = {}
        for order in orders:
            score = _score(scores, str(order.provider_id), order.provider_code)
            score.accept_within_hours = accept_within_hours
            _count_order(score, order, timelines[order.order_id], start, end)
        await _add_services(scores, uow, county_code, period)
        await _add_supervision(scores, uow, county_code, start, end)
    return scores


def _score(scores: Scores, provider_id: str, provider_code: str = "") -> rules.ProviderScore:
    found = scores.setdefault(provider_id, rules.ProviderScore(provider_id, provider_code))
    found.provider_code = found.provider_code or provider_code
    return found


async def _add_services(scores: Scores, uow: UnitOfWork, county_code: str, period: str) -> None:
    start, end = rules.period_bounds(period)
    for pid, figures in (await repo.delivered(uow.session, county_code, start, end)).items():
        score = _score(scores, pid)
        score.delivered_services = figures["delivered"]
        score.checked, score.passed = figures["checked"], figures["passed"]
    for pid, amount in (await repo.billed(uow.session, county_code, period)).items():
        _score(scores, pid).billed_fen = amount
    for pid, counts in (await repo.records_billed(uow.session, county_code, period)).items():
        score = _score(scores, pid)
        score.records_billed, score.records_reversed = counts["billed"], counts["reversed"]


async def _add_supervision(
    scores: Scores, uow: UnitOfWork, county_code: str, start: date, end: date
) -> None:
    for pid, counts in (await repo.inspections(uow.session, county_code, start, end)).items():
        score = _score(scores, pid)
        score.inspected, score.inspections_passed = counts["inspected"], counts["passed"]
    found = await repo.complaints_substantiated(uow.session, county_code, start, end)
    for pid, count in found.items():
        _score(scores, pid).complaints_substantiated = count


def _count_order(
    score: rules.ProviderScore, order: Any, timeline: OrderTimeline, start: date, end: date
) -> None:
    score.had_orders = True
    days = rules.active_days(timeline, start, end)
    score.ordered_services += rules.expected_services(
        order.frequency_times, PeriodUnit(order.frequency_per), days
    )
    if not made_in(order, start, end):
        return  # answered-or-not is counted in the period the order was made
    score.orders += 1
    if order.accepted_at is not None:
        score.note_answer(int((order.accepted_at - order.ordered_at).total_seconds()))
    elif order.declined_at is not None:
        score.declined += 1


def made_in(order: Any, start: date, end: date) -> bool:
    """True when the order was made between ``start`` and ``end`` (Chizhou days)."""
    return bool(calendar.start_of_day(start) <= order.ordered_at < calendar.end_of_day(end))


async def township_figures(
    county_code: str, period: str, *, uow: UnitOfWork
) -> dict[str, dict[str, Any]]:
    """Per township: hours from order to acceptance, spot-check coverage, complaints overdue."""
    start, end = rules.period_bounds(period)
    async with uow:
        orders = await repo.orders_active(uow.session, county_code, start, end)
        checked = await repo.township_checks(uow.session, county_code, start, end)
        billed = await repo.township_billed(uow.session, county_code, period)
        complaints = await repo.township_complaints(uow.session, county_code, start, end)
    waits: dict[str, list[int]] = {}
    for order in orders:
        if made_in(order, start, end) and order.accepted_at is not None:
            seconds = int((order.accepted_at - order.ordered_at).total_seconds())
            waits.setdefault(order.township_code, []).append(seconds)
    codes = set(waits) | set(checked) | set(billed) | set(complaints)
    return {code: _township(code, waits, checked, billed, complaints) for code in sorted(codes)}


def _township(code: str, waits: Any, checked: Any, billed: Any, complaints: Any) -> dict[str, Any]:
    accepted = waits.get(code, [])
    mean = round(sum(accepted) / 3600 / len(accepted), 1) if accepted else None
    counts = complaints.get(code, {})
    return {
        "orders_accepted": len(accepted),
        "mean_hours_to_accept": mean,
        "records_billed": billed.get(code, 0),
        "spot_checked": checked.get(code, 0),
        "spot_check_coverage_percent": rules.percent(checked.get(code, 0), billed.get(code, 0)),
        "complaints_resolved": counts.get("resolved", 0),
        "complaints_overdue": counts.get("overdue", 0),
    }


async def village_figures(
    county_code: str, period: str, *, uow: UnitOfWork
) -> dict[str, dict[str, Any]]:
    """Per village: follow-up visits (village-level inspections) made in the period."""
    start, end = rules.period_bounds(period)
    async with uow:
        visits = await repo.village_visits(uow.session, county_code, start, end)
    return {code: {"follow_up_visits": n} for code, n in sorted(visits.items())}
