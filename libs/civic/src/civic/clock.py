"""The one clock: every service, use case, background job, template and test journey asks
it what time it is ("now", aware UTC) and what day it is in Chizhou ("today").

In production it is the machine's clock. For development and tests only, a process can
start its clock at a chosen instant and let it run on (``CLOCK_START``), so the end-to-end
suite can run the real processes at 23:59:50 on New Year's Eve. Several processes agree on
such a clock when they share ``CLOCK_START_AT``: the machine instant at which the clock
read ``CLOCK_START``.

Nothing else in ``services/`` or ``libs/`` may read the machine's time for business
purposes; ``tests/test_one_clock.py`` fails on any new direct read of the machine's time
(the ``now``/``today`` class methods of ``datetime`` and ``date``, or ``time.time``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from contracts import calendar


def machine_now() -> datetime:
    """The machine's own time (aware, UTC): the clock's source, and what protocols that other
    machines check against their own time use (a token's expiry). Never for business dates."""
    return datetime.now(UTC)


class Clock:
    """Answers "now" (aware, UTC) and "today" (the Chizhou day)."""

    def __init__(self, source: Callable[[], datetime] = machine_now) -> None:
        self._source = source

    @classmethod
    def starting_at(cls, start: datetime, *, anchor: datetime | None = None) -> Clock:
        """A clock that reads ``start`` at the machine instant ``anchor`` (default: now)."""
        if start.tzinfo is None or (anchor is not None and anchor.tzinfo is None):
            raise ValueError("the clock's start and anchor must carry a time zone")
        offset: timedelta = start - (anchor or machine_now())
        return cls(lambda: machine_now() + offset)

    @classmethod
    def fixed(cls, at: datetime) -> Clock:
        """A clock that stands still at ``at`` (for tests of rules about time)."""
        if at.tzinfo is None:
            raise ValueError("a fixed clock needs an aware instant")
        return cls(lambda: at.astimezone(UTC))

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        return self._source().astimezone(UTC)

    def today(self) -> date:
        """Today as Chizhou counts it (Asia/Shanghai)."""
        return calendar.day_of(self.now())

    def month(self) -> str:
        """The current ``YYYY-MM`` month in Chizhou."""
        return calendar.month_of(self.now())


_current = Clock()


def use(clock: Clock) -> None:
    """Makes ``clock`` the process's clock (the composition root, or a test)."""
    global _current
    _current = clock


def current() -> Clock:
    """The process's clock."""
    return _current


def now() -> datetime:
    """The current instant (aware, UTC) by the process's clock."""
    return _current.now()


def today() -> date:
    """Today in Chizhou by the process's clock."""
    return _current.today()


def month() -> str:
    """This ``YYYY-MM`` month in Chizhou by the process's clock."""
    return _current.month()


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Runs a block with ``clock`` as the process's clock, then restores the previous one."""
    previous = _current
    use(clock)
    try:
        yield clock
    finally:
        use(previous)
