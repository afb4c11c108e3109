"""Requests and answers of the spot checks."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.kinds import SpotCheckOutcome


class DrawCreate(BaseModel):
    """A spot-check draw: a seed and the rate to reach."""

    model_config = ConfigDict(extra="forbid")

    seed: str = Field(
        min_length=1, max_length=64, description="Seed; the same seed redraws the same sample."
    )
    rate_percent: int = Field(
        default=30, ge=30, le=100, description="Share of the year's services to check."
    )


class DrawRead(BaseModel):
    """A stored draw."""

    draw_id: uuid.UUID
    county_code: str
    year: int
    seed: str
    rate_bp: int
    population: int
    drawn: int


class PastDrawRead(DrawRead):
    """A stored draw, with who drew it and when (a draw names no one served)."""

    drawn_by: str = Field(description="The county officer who drew it.")
    drawn_at: datetime = Field(description="When it was stored.")


class SpotCheckResultCreate(BaseModel):
    """An inspector's finding."""

    model_config = ConfigDict(extra="forbid")

    outcome: SpotCheckOutcome = Field(description="confirmed passes; anything else fails.")
    notes: str | None = Field(
        default=None, max_length=500, description="Notes (no health details)."
    )


class SpotCheckRead(BaseModel):
    """One drawn record and its check."""

    spot_check_id: uuid.UUID
    record_id: uuid.UUID
    person_id: uuid.UUID = Field(
        description="The person whose service is checked (stable id, never the ID number)."
    )
    county_code: str
    township_code: str
    provider_id: uuid.UUID
    item_code: str
    year: int
    outcome: str | None
    passed: bool | None
    notes: str | None
    checked_by: str | None
    checked_on: date | None
    disallowed_fen: int | None = None


class CoverageFigures(BaseModel):
    """A year's checks: records served, drawn, checked (done), passed and failed."""

    services: int = Field(description="Service records of the year.")
    drawn: int = Field(description="Records drawn for a spot check (done or not).")
    checked: int = Field(
        description="Records whose check is done: a recorded spot check or an inspection."
    )
    passed: int = Field(description="Checked records found as recorded.")
    failed: int = Field(description="Checked records found at fault (reversed out of payment).")
    drawn_percent: float | None = Field(description="Drawn as a share of the services.")
    checked_percent: float | None = Field(description="Checked as a share of the services.")
    pass_rate_percent: float | None = Field(description="Passed as a share of the checked.")
    meets_minimum: bool = Field(description="Checked records reach 30% of the services.")


class ProviderCoverageRead(CoverageFigures):
    """One provider's figures."""

    provider_id: uuid.UUID
    provider_code: str


class CoverageRead(BaseModel):
    """A county's spot-check coverage (抽查覆盖率) for a year, and each provider's."""

    county_code: str
    year: int
    county: CoverageFigures
    providers: list[ProviderCoverageRead]
