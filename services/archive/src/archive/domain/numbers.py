"""Service numbers (服务号): ``<county code>-<approval year>-<6-digit sequence>``.

Example: ``341702-2026-000001`` is the first file opened in 贵池区 for an approval made in
2026. The sequence runs per county and approval year, starts at 1, has no gaps and is never
reused; the text sorts in issue order, so files listed by service number are in issue order.
The year is the approval's year in Asia/Shanghai (taken from the event, not the clock), so a
rebuild from the event log gives the same year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from contracts import calendar

SEQUENCE_DIGITS = 6
_FORMAT = re.compile(r"^(\d{6})-(\d{4})-(\d{6})$")


class ServiceNumberError(ValueError):
    """A text that is not a service number, or a sequence that does not fit."""


@dataclass(frozen=True, order=True)
class ServiceNumber:
    """One service number: county, approval year and sequence within them."""

    county_code: str
    year: int
    sequence: int

    def __post_init__(self) -> None:
        if not (len(self.county_code) == 6 and self.county_code.isdigit()):
            raise ServiceNumberError(f"bad county code {self.county_code!r}")
        if not 1 <= self.sequence < 10**SEQUENCE_DIGITS:
            raise ServiceNumberError(f"sequence {self.sequence} does not fit in 6 digits")

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year:04d}-{self.sequence:06d}"

    @classmethod
    def parse(cls, text: str) -> ServiceNumber:
        """Reads ``341702-2026-000001``; raises ServiceNumberError otherwise."""
        match = _FORMAT.match(text)
        if match is None:
            raise ServiceNumberError(f"not a service number: {text!r}")
        return cls(match.group(1), int(match.group(2)), int(match.group(3)))


def issue_year(approved_at: datetime) -> int:
    """The approval's year in Asia/Shanghai, which the service number carries."""
    return calendar.day_of(approved_at).year
