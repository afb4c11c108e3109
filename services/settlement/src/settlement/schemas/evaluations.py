"""Requests and answers of the performance evaluations (绩效评价)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.fields import CountyCode, Period


class WeightsIn(BaseModel):
    """The criteria's integer weights; they sum to 100."""

    model_config = ConfigDict(extra="forbid")

    delivery: int = Field(ge=0, le=100, description="Services delivered of those ordered.")
    timeliness: int = Field(ge=0, le=100, description="Orders accepted in time.")
    checks: int = Field(ge=0, le=100, description="Spot checks and inspections passed.")
    complaints: int = Field(ge=0, le=100, description="Substantiated complaints per 100 records.")
    acknowledgement: int = Field(
        ge=0, le=100, description="Status changes acknowledged in time (not yet measured)."
    )
    refusals: int = Field(ge=0, le=100, description="Orders refused of those received.")

    @model_validator(mode="after")
    def _sum_100(self) -> WeightsIn:
        total = sum(self.model_dump().values())
        if total != 100:
            message = f"各项权重之和须为100（现为{total}）"
            context = {"reason_code": "weights_not_100", "message_zh": message}
            raise PydanticCustomError("weights_not_100", message, context)
        return self


class RuleSet(BaseModel):
    """A county's scoring rule: weights, referral threshold and limits."""

    model_config = ConfigDict(extra="forbid")

    weights: WeightsIn
    referral_threshold: int = Field(
        default=60, ge=0, le=100, description="Below this score no new referrals."
    )
    complaints_cap: int = Field(
        default=5, ge=1, le=100, description="Substantiated per 100 records that scores 0."
    )
    accept_within_hours: int = Field(
        default=24, ge=1, le=720, description="Hours to accept an order in time."
    )


class RuleRead(BaseModel):
    """One version of a county's rule."""

    county_code: str
    version: int
    weights: dict[str, int]
    referral_threshold: int
    complaints_cap: int
    accept_within_hours: int
    set_by: str | None = Field(description="Who set it; none for the platform's default.")
    set_at: datetime | None
    is_default: bool = Field(description="True for the platform's default (version 1).")
    changed: bool | None = Field(default=None, description="On a PUT: a new version was made.")


class RunCreate(BaseModel):
    """An evaluation run for a county and a month or a year."""

    model_config = ConfigDict(extra="forbid")

    county_code: CountyCode
    period: Period = Field(description="YYYY-MM for a month, YYYY for a year.")


class EvaluationRead(BaseModel):
    """One revision of a provider's, township's or village's evaluation."""

    evaluation_id: uuid.UUID
    kind: Literal["provider", "township", "village"]
    subject: str = Field(description="Provider id, or township or village code.")
    provider_code: str | None = None
    county_code: str
    period: str
    revision: int
    rule_version: int | None = None
    score: int | None = None
    threshold: int | None = None
    below_threshold: bool | None = None
    figures: dict[str, Any]
    computed_at: datetime


class RunRead(BaseModel):
    """What a run stored."""

    county_code: str
    period: str
    rule_version: int
    referral_threshold: int
    evaluated: list[EvaluationRead] = Field(description="New provider revisions (published).")
    unchanged: int = Field(description="Providers whose result was already stored.")
    areas_revised: int = Field(description="Township and village results newly stored.")
    not_scored: list[str] = Field(description="Providers with nothing measurable.")
