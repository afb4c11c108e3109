"""Chizhou's calendar: days, months and midnights fall in UTC+8 whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts import calendar

pytestmark = pytest.mark.unit


def test_the_day_and_month_are_chizhou_s() -> None:
    # 16:30 UTC on 31 May is already 00:30 on 1 June in Chizhou.
    assert calendar.day_of(datetime(2024, 5, 31, 16, 30, tzinfo=UTC)) == date(2024, 6, 1)
    assert calendar.month_of(datetime(2024, 5, 31, 16, 30, tzinfo=UTC)) == "2024-06"
    assert calendar.day_of(datetime(2024, 5, 31, 15, 59, tzinfo=UTC)) == date(2024, 5, 31)
    assert calendar.month_of(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == "2027-01"


def test_days_begin_and_end_at_chizhou_midnight() -> None:
    assert calendar.start_of_day(date(2027, 1, 1)) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert calendar.end_of_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert calendar.first_of_next_month(date(2024, 12, 31)) == date(2025, 1, 1)
    assert calendar.first_of_next_month(date(2024, 2, 1)) == date(2024, 3, 1)


@pytest.mark.parametrize(
    ("now", "seconds"),
    [
        (datetime(2026, 11, 29, 15, 0, tzinfo=UTC), 3600),  # 23:00 in Chizhou
        (datetime(2026, 11, 29, 16, 0, tzinfo=UTC), 86400),  # midnight has just struck
        (datetime(2026, 12, 31, 15, 59, 30, tzinfo=UTC), 30),  # into the new year
    ],
)
def test_seconds_to_the_next_chizhou_midnight(now: datetime, seconds: int) -> None:
    assert calendar.seconds_to_next_day(now) == seconds


def test_seconds_to_the_next_chizhou_month() -> None:
    assert calendar.seconds_to_next_month(datetime(2024, 5, 31, 15, 59, tzinfo=UTC)) == 60
    assert calendar.seconds_to_next_month(datetime(2024, 12, 31, 15, 0, tzinfo=UTC)) == 3600
