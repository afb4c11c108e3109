"""Requests and answers of the spot checks."""

from __future__ import annotations

import uuid
from datetime import date

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
