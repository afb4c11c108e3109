"""A spot check (抽查): one drawn service record and, once checked, the inspector's finding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from settlement.domain.sampling import MIN_RATE_BASIS_POINTS


@dataclass(frozen=True)
class SpotCheck:
    """A record drawn for checking; ``outcome`` stays empty until an inspector records it."""

    spot_check_id: uuid.UUID
    draw_id: uuid.UUID
    record_id: uuid.UUID
    person_id: uuid.UUID
    county_code: str
    township_code: str
    provider_id: uuid.UUID
    item_code: str
    year: int
    outcome: str | None = None
    passed: bool | None = None
    notes: str | None = None
    checked_by: str | None = None
    checked_on: date | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class Draw:
    """A stored draw: its seed and rate, the year's services then, and how many it added."""

    draw_id: uuid.UUID
    county_code: str
    year: int
    seed: str
    rate_bp: int
    population: int
    drawn: int
    drawn_by: str
    drawn_at: datetime


#: The figures of a coverage row, each a count of the year's service records.
COVERAGE_FIGURES = ("services", "drawn", "checked", "passed", "failed")


@dataclass(frozen=True)
class Coverage:
    """How far a year's checks have come: records served, drawn, checked, passed, failed.

    ``checked`` counts records whose check is done (a recorded spot check, or an inspection
    of the record); a record drawn and never visited is not checked. The ≥ 30% target is
    met by checked records only.
    """

    services: int
    drawn: int
    checked: int
    passed: int
    failed: int

    @property
    def meets_minimum(self) -> bool:
        """True when checked records reach the county's minimum share (30%) of the services."""
        return self.checked * 10_000 >= self.services * MIN_RATE_BASIS_POINTS


@dataclass(frozen=True)
class ProviderCoverage:
    """A provider's coverage in a county's year."""

    provider_id: uuid.UUID
    provider_code: str
    coverage: Coverage
