"""Events survey publishes on ``survey.surveys.v1`` (step 3: household survey and 初审).

Findings travel as codes only: no free-text health details leave the survey service.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import (
    RecipientCategory,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    ReasonZh,
    TownshipCode,
    UserId,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.reasons import PreliminaryFailReason
from contracts.values import Value


class SurveyEvent(PersonEvent):
    """Base of survey's events."""

    TOPIC: ClassVar[str] = topics.SURVEY_SURVEYS

    producer: Literal["survey"] = Field(default="survey", description="Always survey.")
    survey_id: uuid.UUID = Field(description="The household survey.")
    application_id: uuid.UUID = Field(description="The application being surveyed.")
    version: Version = Field(description="Version of the survey; increases on every change.")


class CareNeed(Value):
    """A care need the team found, within one service category."""

    service_category: ServiceCategory = Field(description="Category of the need.")
    item_codes: tuple[ItemCode, ...] = Field(
        default=(), description="Catalogue items that meet it."
    )
    urgent: bool = Field(default=False, description="Whether the need is urgent (急难).")


class SurveyTaskCreated(SurveyEvent):
    """A household survey was scheduled for a registered application."""

    event_type: Literal["survey.SurveyTaskCreated"] = Field(
        default="survey.SurveyTaskCreated", description="Event name."
    )
    county_code: CountyCode = Field(description="County-level division of the household.")
    township_code: TownshipCode = Field(description="Township/street of the household.")
    village_code: VillageCode = Field(description="Village/community whose team surveys.")
    due_date: date = Field(description="Date by which the visit should be done.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class SurveyTeamAssigned(SurveyEvent):
    """The two-person team was assigned: one village staff member and one coordinator."""

    event_type: Literal["survey.SurveyTeamAssigned"] = Field(
        default="survey.SurveyTeamAssigned", description="Event name."
    )
    village_staff_id: UserId = Field(description="Village/community staff member (村社区工作人员).")
    coordinator_id: UserId = Field(description="Social-assistance coordinator (协理员).")
    assigned_by: UserId = Field(description="Who assigned the team.")

    @model_validator(mode="after")
    def _two_people(self) -> Self:
        if self.village_staff_id == self.coordinator_id:
            raise ValueError("the survey team needs two different people")
        return self


class SurveyCompleted(SurveyEvent):
    """The team visited the household and recorded its findings as codes."""

    event_type: Literal["survey.SurveyCompleted"] = Field(
        default="survey.SurveyCompleted", description="Event name."
    )
    visited_on: date = Field(description="Date of the home visit.")
    self_care_level: SelfCareLevel = Field(description="Self-care ability found.")
    confirmed_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Special conditions the team confirmed."
    )
    care_needs: tuple[CareNeed, ...] = Field(default=(), description="Care needs per category.")
    lives_alone: bool = Field(description="Whether the person lives alone.")
    has_caregiver: bool = Field(description="Whether someone looks after the person.")
    household_size: int = Field(ge=1, le=50, description="People found in the household.")
    identity_verified: bool = Field(description="Whether identity and household were verified.")


class PreliminaryReviewPassed(SurveyEvent):
    """The survey team passed the application at preliminary review (初审) with a recommendation."""

    event_type: Literal["survey.PreliminaryReviewPassed"] = Field(
        default="survey.PreliminaryReviewPassed", description="Event name."
    )
    recommended_category: RecipientCategory = Field(description="Category the team recommends.")
    recommended_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Special conditions the recommendation rests on."
    )
    recommended_item_codes: tuple[ItemCode, ...] = Field(
        min_length=1, description="Catalogue items recommended."
    )
    recommended_modes: tuple[ServiceMode, ...] = Field(
        default=(), description="Service modes recommended."
    )
    recommended_service_categories: tuple[ServiceCategory, ...] = Field(
        default=(),
        description="Service categories the recommended items fall under (需求分类).",
    )
    reviewed_by: tuple[UserId, UserId] = Field(description="The two team members who signed.")


class PreliminaryReviewFailed(SurveyEvent):
    """The survey team did not pass the application at preliminary review."""

    event_type: Literal["survey.PreliminaryReviewFailed"] = Field(
        default="survey.PreliminaryReviewFailed", description="Event name."
    )
    reason_code: PreliminaryFailReason = Field(description="Why it failed.")
    reason_zh: ReasonZh = Field(description="Short Chinese reason shown to the township.")
    reviewed_by: tuple[UserId, UserId] = Field(description="The two team members who signed.")


EVENTS = (
    SurveyTaskCreated,
    SurveyTeamAssigned,
    SurveyCompleted,
    PreliminaryReviewPassed,
    PreliminaryReviewFailed,
)
