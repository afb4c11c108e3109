"""Chizhou's calendar: the zone in which every business day, month and year is counted.

A service date, the month a record is billed in, a board "as shown on day X", a survey's
due date: all are days in Chizhou, whatever zone the server runs in. China has kept one
offset (UTC+8) all year since 1991, so a fixed zone needs no tz database in an image.

These are pure functions of an instant or a day. What "now" is comes from the one clock
(``civic.clock``), never from here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

CHIZHOU = timezone(timedelta(hours=8), "Asia/Shanghai")


def day_of(instant: datetime) -> date:
    """The Chizhou day an aware instant falls on."""
    return instant.astimezone(CHIZHOU).date()


def month_of(instant: datetime) -> str:
    """The ``YYYY-MM`` month (Chizhou) an aware instant falls in."""
    return f"{instant.astimezone(CHIZHOU):%Y-%m}"


def start_of_day(day: date) -> datetime:
    """The first instant of ``day`` in Chizhou (00:00 UTC+8)."""
    return datetime.combine(day, time.min, tzinfo=CHIZHOU)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` ends in Chizhou (00:00 of the next day)."""
    return start_of_day(day + timedelta(days=1))


def first_of_next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def seconds_to_next_day(now: datetime) -> float:
    """Seconds from ``now`` to the next midnight in Chizhou."""
    return max((end_of_day(day_of(now)) - now).total_seconds(), 0.0)


def seconds_to_next_month(now: datetime) -> float:
    """Seconds from ``now`` to 00:00 of the next month in Chizhou."""
    return max((start_of_day(first_of_next_month(day_of(now))) - now).total_seconds(), 0.0)
