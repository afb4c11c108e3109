"""A spot check (抽查): one drawn service record and, once checked, the inspector's finding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime


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
