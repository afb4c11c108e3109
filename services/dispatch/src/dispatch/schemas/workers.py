"""The providers' worker registers and evaluations over HTTP."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from contracts.enums import ServiceCategory
from dispatch.domain.workers import WorkerCheck
from dispatch.schemas.common import Request, TextZh

#: A worker's display name: short, and never a phone or ID number in disguise.
WorkerName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
_DIGITS = re.compile(r"\d{6,}")


class WorkerQualification(BaseModel):
    """A worker's qualification (e.g. 养老护理员职业技能等级证书)."""

    name_zh: TextZh = Field(description="Certificate name.")
    number: str = Field(min_length=1, max_length=64, description="Certificate number.")
    valid_until: date | None = Field(default=None, description="Last valid day, if any.")


class TrainingIn(BaseModel):
    """A training the worker completed."""

    name_zh: TextZh = Field(description="Training name.")
    categories: list[ServiceCategory] = Field(
        min_length=1, max_length=4, description="Service categories it covers."
    )
    completed_on: date = Field(description="Day it was completed (Chizhou).")


class WorkerPut(Request):
    """A worker's whole register entry (PUT: what is not sent is not kept)."""

    name_zh: WorkerName = Field(description="Display name (no phone, no ID number).")
    qualification: WorkerQualification | None = Field(default=None, description="Certificate.")
    trainings: list[TrainingIn] = Field(
        default_factory=list, max_length=50, description="Trainings taken."
    )
    evaluated_on: date | None = Field(
        default=None, description="Day of the last competence evaluation (能力评价)."
    )
    active: bool = Field(default=True, description="False once the worker has left.")

    @field_validator("name_zh")
    @classmethod
    def _no_numbers(cls, value: str) -> str:
        if _DIGITS.search(value):
            message = "服务人员姓名中不得包含电话号码或身份证号码"
            context = {"reason_code": "worker_name_has_number", "message_zh": message}
            raise PydanticCustomError("worker_name_has_number", message, context)
        return value


class WorkerRead(BaseModel):
    """One entry of a provider's worker register."""

    worker_ref: str = Field(description="The provider's own reference.")
    name_zh: str = Field(description="Display name.")
    qualification: WorkerQualification | None = Field(description="Certificate.")
    trainings: list[TrainingIn] = Field(description="Trainings taken.")
    evaluated_on: date | None = Field(description="Day of the last competence evaluation.")
    active: bool = Field(description="False once the worker has left.")
    version: int = Field(description="Version of the entry.")


class RecordWorkerRead(BaseModel):
    """For a spot check: the worker a service record names, as the register holds them now."""

    record_id: uuid.UUID = Field(description="The service record.")
    provider_code: str = Field(description="The provider that reported it.")
    worker_ref: str = Field(description="The worker it names.")
    worker: WorkerRead | None = Field(description="Their register entry, if any.")
    check_code: WorkerCheck | None = Field(
        description="What the register says against the record's day and item, if anything."
    )
    reason_zh: str | None = Field(description="Chinese reason, if anything.")


class EvaluationRead(BaseModel):
    """A provider's evaluation (绩效评价) for a month or a year."""

    period: str = Field(description="YYYY-MM for a month, YYYY for a year.")
    rule_version: int = Field(description="Version of the county's scoring rule.")
    score: int = Field(description="Score out of 100.")
    referral_threshold: int = Field(description="Below this score no new referrals.")
    below_threshold: bool = Field(description="True when referral passes the provider by.")
    records_billed: int = Field(description="Service records billed in the period.")
    records_reversed: int = Field(description="Of those, reversed after a check.")
    complaints_substantiated: int = Field(description="Complaints found true.")
    checks_failed: int = Field(description="Spot checks and inspections that failed.")
    evaluated_at: datetime = Field(description="When it was made.")
