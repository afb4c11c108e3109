"""Issue 22: the chain's figures (percentiles as percentile_cont, months by span end, slowest
cases) and the stops' acknowledgement states, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from archive.domain.chain import Chain, elapsed, percentile, slowest, span_figures
from archive.domain.dashboards import EndedOrder, month_days

pytestmark = pytest.mark.unit


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def _chain(**days: date) -> Chain:
    times: dict[str, datetime | None] = {step: _at(day) for step, day in days.items()}
    return Chain(uuid.uuid4(), "341702100", "341702100201", "tekun", "张*三", None, times)


def test_percentiles_interpolate_as_percentile_cont() -> None:
    assert percentile([], 0.5) is None
    assert percentile([4], 0.9) == 4
    assert percentile([2, 0, 1, 2], 0.5) == 1.5
    assert percentile([3, 5, 6, 10], 0.9) == pytest.approx(8.8)


def test_a_span_counts_in_the_month_it_ended() -> None:
    october = month_days("2026-10")
    chains = [
        _chain(submitted=date(2026, 9, 28), registered=date(2026, 10, 2)),
        _chain(submitted=date(2026, 10, 30), registered=date(2026, 11, 1)),
    ]
    figures = {f.span: (f.count, f.median_days) for f in span_figures(chains, october)}
    assert figures["registration"] == (1, 4.0)
    assert figures["whole"] == (0, None)


def test_open_cases_are_measured_to_the_day_asked() -> None:
    open_case = _chain(submitted=date(2026, 10, 1))
    served = _chain(submitted=date(2026, 10, 2), first_delivered=date(2026, 10, 4))
    assert elapsed(open_case, date(2026, 10, 31)) == 30
    assert elapsed(served, date(2026, 10, 31)) == 2
    assert open_case.outcome_on(date(2026, 10, 31)) == "open"
    assert served.outcome_on(date(2026, 10, 3)) == "open"
    assert served.outcome_on(date(2026, 10, 4)) == "served"
    assert slowest([served, open_case], month_days("2026-10"), date(2026, 10, 31)) == [
        open_case,
        served,
    ]


def test_an_order_end_is_pending_until_the_deadline_passes() -> None:
    cancelled = datetime(2026, 10, 28, 2, tzinfo=UTC)
    ok = EndedOrder(uuid.uuid4(), "p", cancelled, None)
    late = EndedOrder(uuid.uuid4(), "p", cancelled, cancelled + timedelta(hours=1))
    assert ok.acknowledgement(cancelled + timedelta(minutes=30)) == "pending"
    assert ok.acknowledgement(cancelled + timedelta(hours=2)) == "in_time"
    assert late.acknowledgement(cancelled + timedelta(minutes=5)) == "late"
