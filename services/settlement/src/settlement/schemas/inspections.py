"""Requests and answers of the inspections (检查督查)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from contracts.kinds import SpotCheckOutcome
from contracts.supervision import InspectionKind, SupervisionLevel


class InspectionCreate(BaseModel):
    """A visit and its finding; it names at least one of person, recipient, order, provider
    or service record (they must agree with each other)."""

    model_config = ConfigDict(extra="forbid")

    kind: InspectionKind = Field(description="planned 计划检查 or unannounced 不定期督查.")
    person_id: uuid.UUID | None = Field(default=None, description="The person visited.")
    recipient_id: uuid.UUID | None = Field(default=None, description="The recipient visited.")
    order_id: uuid.UUID | None = Field(default=None, description="The order inspected.")
    provider_id: uuid.UUID | None = Field(default=None, description="The provider inspected.")
    record_id: uuid.UUID | None = Field(default=None, description="The service record checked.")
    township_code: str | None = Field(
        default=None,
        pattern=r"^\d{9}$",
        description="Township/street of the visit, when nothing named says (a provider's site).",
    )
    outcome: SpotCheckOutcome = Field(description="confirmed passes; anything else fails.")
    findings: str = Field(
        min_length=1,
        max_length=2000,
        description="检查发现 (kept in settlement only; never on a topic or in a log).",
    )
    checked_on: date = Field(description="Day of the visit (Chizhou), not after today.")


class InspectionSummary(BaseModel):
    """A recorded visit, without the inspector's notes."""

    inspection_id: uuid.UUID
    supervision_level: SupervisionLevel = Field(description="county, township or village.")
    supervision_level_zh: str = Field(description="检查层级.")
    kind: InspectionKind
    kind_zh: str = Field(description="检查方式.")
    county_code: str
    township_code: str
    village_code: str | None
    person_id: uuid.UUID | None = Field(description="The person visited (stable id).")
    recipient_id: uuid.UUID | None
    order_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    record_id: uuid.UUID | None
    outcome: SpotCheckOutcome
    outcome_zh: str = Field(description="检查结论.")
    disallowed_fen: int = Field(description="Fen taken out of payment by this visit.")
    checked_by: str
    checked_on: date


class InspectionRead(InspectionSummary):
    """A recorded visit with the inspector's notes (personal: reading it is audited)."""

    findings: str = Field(description="检查发现.")
