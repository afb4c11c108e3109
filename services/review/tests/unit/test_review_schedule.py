"""The suspension clock: which day it is in China decides, and a failed tick is retried."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from civic import clock
from civic.clock import Clock
from review.jobs import schedule

pytestmark = pytest.mark.unit


class Stop(Exception):
    """Ends the endless loop after the ticks a test wants."""


async def run(monkeypatch: pytest.MonkeyPatch, now: datetime, answers: list[Any]) -> list[date]:
    """Runs the clock for one tick; returns the days it asked to end suspensions for."""
    days: list[date] = []

    async def end_due(*, uow: Any, today: date) -> int:
        days.append(today)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return int(answer)

    async def sleep(_: float) -> None:
        raise Stop

    monkeypatch.setattr(schedule.recipients, "end_due_suspensions", end_due)
    runtime: Any = type("R", (), {"uow": lambda self: None})()
    with pytest.raises(Stop), clock.using(Clock.fixed(now)):
        await schedule.run_suspension_expiry(runtime, interval_s=60, sleep=sleep)
    return days


async def test_the_day_is_the_day_in_shanghai_not_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # 16:30 UTC on 31 July is 00:30 on 1 August in Chizhou.
    days = await run(monkeypatch, datetime(2024, 7, 31, 16, 30, tzinfo=UTC), [0])
    assert days == [date(2024, 8, 1)]


async def test_batches_are_taken_until_none_is_due(monkeypatch: pytest.MonkeyPatch) -> None:
    days = await run(monkeypatch, datetime(2024, 8, 1, 2, tzinfo=UTC), [100, 100, 7, 0])
    assert len(days) == 4


async def test_a_failed_tick_is_logged_and_the_clock_keeps_going(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    days = await run(monkeypatch, datetime(2024, 8, 1, 2, tzinfo=UTC), [OSError("db down")])
    assert days == [date(2024, 8, 1)]
    assert "tried again" in caplog.text
