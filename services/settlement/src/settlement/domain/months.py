"""Months and years as settlement periods; the month closes in Asia/Shanghai time."""

from __future__ import annotations

import calendar as month_calendar
import re
from datetime import date, datetime, timedelta

from contracts import calendar

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_of(day: date) -> str:
    """The ``YYYY-MM`` period a day falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(period: str) -> tuple[int, int]:
    """Splits ``YYYY-MM`` into (year, month); raises ValueError otherwise."""
    found = _MONTH.match(period)
    if found is None:
        raise ValueError(f"not a YYYY-MM month: {period!r}")
    return int(found.group(1)), int(found.group(2))


def first_day(period: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    year, month = parse_month(period)
    return date(year, month, 1)


def last_day(period: str) -> date:
    """The last day of a ``YYYY-MM`` month."""
    year, month = parse_month(period)
    return date(year, month, month_calendar.monthrange(year, month)[1])


def days_in(period: str) -> int:
    """Number of days of a ``YYYY-MM`` month."""
    return last_day(period).day


def next_month(period: str) -> str:
    """The month after ``period``."""
    return month_of(last_day(period) + timedelta(days=1))


def period_has_closed(period: str, now: datetime) -> bool:
    """True once the month (``YYYY-MM``) or year (``YYYY``) has ended in Asia/Shanghai."""
    today = calendar.day_of(now)
    if len(period) == 4:
        return today.year > int(period)
    return today > last_day(period)


def period_year(period: str) -> int:
    """The year of a ``YYYY-MM`` or ``YYYY`` period."""
    return int(period[:4])


def landing_period(service_month: str, closed: set[str]) -> str:
    """The statement month a line lands on: its own month, or the next one not yet closed."""
    period = service_month
    while period in closed:
        period = next_month(period)
    return period
