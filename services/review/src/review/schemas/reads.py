"""Answers of the queue and the registry: cases, findings, recipients, pages."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, Field

from contracts import divisions
from contracts.enums import (
    Channel,
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.reasons import PreliminaryFailReason
from contracts.survey import CareNeed
from contracts.values import ApprovedItem
from review.domain.case import (
    Case,
    CaseStatus,
    Findings,
    NeedAssessment,
    Preliminary,
    PreliminaryOutcome,
)
from review.domain.decision import Recipient
from review.schemas.decision import DecisionRead


class FindingsRead(BaseModel):
    """入户调查结果, as codes."""

    survey_id: uuid.UUID = Field(description="The survey.")
    visited_on: date = Field(description="Day of the home visit.")
    self_care_level: SelfCareLevel = Field(description="Self-care level found.")
    confirmed_conditions: list[SpecialCondition] = Field(description="Conditions confirmed.")
    care_needs: list[CareNeed] = Field(description="Care needs per service category.")
    lives_alone: bool = Field(description="Lives alone.")
    has_caregiver: bool = Field(description="Someone looks after the person.")
    household_size: int = Field(description="People found in the household.")
    identity_verified: bool = Field(description="Identity and household verified.")

    @classmethod
    def of(cls, f: Findings) -> Self:
        """From the case's findings."""
        return cls.model_validate(f.model_dump())


class PreliminaryRead(BaseModel):
    """初审: passed with a recommendation, or failed with a reason."""

    survey_id: uuid.UUID = Field(description="The survey.")
    outcome: PreliminaryOutcome = Field(description="passed or failed.")
    outcome_zh: str = Field(description="初审通过 / 初审未通过.")
    recommended_category: RecipientCategory | None = Field(description="If passed.")
    recommended_conditions: list[SpecialCondition] = Field(description="If passed.")
    recommended_item_codes: list[str] = Field(description="If passed.")
    recommended_modes: list[ServiceMode] = Field(description="If passed.")
    reason_code: PreliminaryFailReason | None = Field(description="If failed: why.")
    reason_zh: str | None = Field(description="If failed: the team's reason.")
    reviewed_by: list[str] = Field(description="The two team members who signed.")
    occurred_at: datetime = Field(description="When the team decided.")

    @classmethod
    def of(cls, p: Preliminary) -> Self:
        """From the case's preliminary review."""
        return cls.model_validate({**p.model_dump(), "outcome_zh": p.outcome.label_zh})


class NeedAssessmentRead(BaseModel):
    """The needs assessment recorded with the approval."""

    self_care_level: SelfCareLevel = Field(description="自理能力评估等级.")
    need_categories: list[ServiceCategory] = Field(description="需求所属服务类别.")
    notes: str | None = Field(description="评估说明.")


class CaseSummary(BaseModel):
    """One line of the review queue."""

    application_id: uuid.UUID = Field(description="The application.")
    person_id: uuid.UUID = Field(description="The person (never the ID number).")
    status: CaseStatus = Field(description="Where the case stands.")
    status_zh: str = Field(description="Status in Chinese.")
    category: RecipientCategory = Field(description="Category applied for.")
    category_zh: str = Field(description="Category in Chinese.")
    special_conditions: list[SpecialCondition] = Field(description="Conditions claimed.")
    display_name: str = Field(description="Masked name, e.g. 张*三.")
    village_code: str = Field(description="Village/community code.")
    village_name_zh: str = Field(description="Full Chinese name of the village.")
    preliminary: PreliminaryOutcome | None = Field(description="初审 outcome, once known.")
    flagged: bool = Field(description="True when the preliminary review failed.")
    registered_at: datetime = Field(description="When intake registered the application.")

    @classmethod
    def _fields(cls, case: Case) -> dict[str, object]:
        reg = case.registration
        assert reg is not None  # only registered cases are visible
        outcome = case.preliminary.outcome if case.preliminary else None
        return {
            **reg.model_dump(),
            "application_id": case.application_id,
            "person_id": case.person_id,
            "status": case.status,
            "status_zh": case.status.label_zh,
            "category_zh": reg.category.label_zh,
            "village_name_zh": divisions.full_name_zh(reg.village_code),
            "preliminary": outcome,
            "flagged": outcome is PreliminaryOutcome.FAILED,
            "registered_at": reg.occurred_at,
        }

    @classmethod
    def of(cls, case: Case) -> Self:
        """From a registered case."""
        return cls.model_validate(cls._fields(case))


class CaseRead(CaseSummary):
    """A case with the application facts, survey findings and decision."""

    household_id: uuid.UUID = Field(description="The household (户).")
    channel: Channel = Field(description="How the application arrived.")
    need_categories: list[ServiceCategory] = Field(description="Needs classified at intake.")
    requested_item_codes: list[str] = Field(description="Items asked for.")
    household_size: int = Field(description="People in the household (application).")
    county_code: str = Field(description="County code.")
    township_code: str = Field(description="Township code.")
    findings: FindingsRead | None = Field(description="入户调查结果, once received.")
    preliminary_review: PreliminaryRead | None = Field(description="初审, once received.")
    withdrawn: bool = Field(description="True if the applicant withdrew.")
    decision: DecisionRead | None = Field(description="The decision, once made.")
    need_assessment: NeedAssessmentRead | None = Field(description="需求认定, once approved.")

    @classmethod
    def detail(cls, case: Case, assessment: NeedAssessment | None) -> Self:
        """From a registered case and its needs assessment."""
        return cls.model_validate(
            {
                **cls._fields(case),
                "findings": FindingsRead.of(case.findings) if case.findings else None,
                "preliminary_review": (
                    PreliminaryRead.of(case.preliminary) if case.preliminary else None
                ),
                "withdrawn": case.withdrawal is not None,
                "decision": (
                    DecisionRead.of(case.decision, person_id=case.person_id)
                    if case.decision
                    else None
                ),
                "need_assessment": assessment.model_dump() if assessment else None,
            }
        )


class CaseList(BaseModel):
    """A page of the review queue, oldest first."""

    items: list[CaseSummary] = Field(description="The cases on this page.")
    total: int = Field(description="Cases matching the filters.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size.")


class RecipientRead(BaseModel):
    """A recipient of the registry with status and approved items."""

    recipient_id: uuid.UUID = Field(description="The recipient.")
    person_id: uuid.UUID = Field(description="The person.")
    application_id: uuid.UUID = Field(description="The approved application.")
    household_id: uuid.UUID = Field(description="The household (户).")
    category: RecipientCategory = Field(description="Confirmed category.")
    special_conditions: list[SpecialCondition] = Field(description="Confirmed conditions.")
    self_care_level: SelfCareLevel | None = Field(description="Assessed self-care level.")
    need_categories: list[ServiceCategory] = Field(description="Assessed need categories.")
    county_code: str = Field(description="County code.")
    township_code: str = Field(description="Township code (the purchaser that pays).")
    village_code: str = Field(description="Village/community code.")
    display_name: str = Field(description="Masked name.")
    status: RecipientStatus = Field(description="Aid status.")
    status_zh: str = Field(description="Status in Chinese.")
    status_version: int = Field(description="Status version: 1 at approval, +1 per change.")
    status_effective_date: date = Field(description="Day the current status applies from.")
    expected_end: date | None = Field(description="暂停: the day it is expected to end, if known.")
    admitted_on: date = Field(description="First day of service.")
    items: list[ApprovedItem] = Field(description="Approved items.")
    services_version: int = Field(description="Version of the items: 1 at approval, +1 a change.")
    catalogue_version: int | None = Field(
        description="Catalogue version the items were checked against."
    )
    approved_by: str = Field(description="Officer who approved.")
    approved_at: datetime = Field(description="When.")

    @classmethod
    def of(cls, r: Recipient) -> Self:
        """From the registry entry."""
        return cls.model_validate({**r.model_dump(), "status_zh": r.status.label_zh})


class RecipientList(BaseModel):
    """A page of the recipient registry, earliest approval first."""

    items: list[RecipientRead] = Field(description="The recipients on this page.")
    total: int = Field(description="Recipients matching the filters.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size.")
