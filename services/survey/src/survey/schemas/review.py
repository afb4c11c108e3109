"""HTTP models of the preliminary review (初审) the survey team records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.enums import RecipientCategory, ServiceCategory, ServiceMode, SpecialCondition
from contracts.fields import ItemCode
from contracts.reasons import PreliminaryFailReason
from survey.domain import TaskStatus
from survey.schemas.common import Note, RequestModel, field_error, unique


class PreliminaryPass(RequestModel):
    """初审通过, with the team's recommendation for the township."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "passed",
                    "recommended_category": "dibao",
                    "recommended_conditions": ["semi_disabled_elder"],
                    "recommended_item_codes": ["LC-01", "CL-01"],
                    "recommended_service_categories": ["life_care", "cleaning"],
                    "recommended_modes": ["government_purchase"],
                    "notes": "建议每周上门照料两次",
                }
            ]
        }
    )

    outcome: Literal["passed"] = Field(description="passed: 初审通过.")
    recommended_category: RecipientCategory = Field(
        description="Assistance category the team recommends (服务对象类别)."
    )
    recommended_conditions: list[SpecialCondition] = Field(
        default_factory=list,
        description="Special conditions the recommendation rests on; each must have been "
        "confirmed in the findings. dibao_marginal, relapse_monitoring and "
        "expenditure_hardship need one of the four qualifying conditions.",
    )
    recommended_item_codes: list[ItemCode] = Field(
        min_length=1, max_length=30, description="Catalogue items recommended (e.g. LC-01)."
    )
    recommended_service_categories: list[ServiceCategory] = Field(
        default_factory=list, description="Service categories of the need (需求分类)."
    )
    recommended_modes: list[ServiceMode] = Field(
        default_factory=list, description="Service modes recommended (服务方式)."
    )
    notes: Note | None = Field(default=None, description="Remarks; kept in survey only.")

    @field_validator(
        "recommended_conditions",
        "recommended_item_codes",
        "recommended_service_categories",
        "recommended_modes",
    )
    @classmethod
    def _no_repeats(cls, value: list[Any]) -> list[Any]:
        return list(unique(value, "推荐内容"))


class PreliminaryFail(RequestModel):
    """初审未通过, with the reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "failed",
                    "reason_code": "not_reachable",
                    "reason_zh": "三次入户未见本人",
                }
            ]
        }
    )

    outcome: Literal["failed"] = Field(description="failed: 初审未通过.")
    reason_code: PreliminaryFailReason = Field(
        description="identity_mismatch 身份信息不符, not_reachable 多次入户未见本人, "
        "special_condition_not_confirmed 特殊情形未核实, no_service_need 无服务需求, "
        "information_untrue 申请信息不实, other 其他."
    )
    reason_zh: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Short Chinese reason shown to the township; defaults to the code's "
        "label, required for other. No health details.",
    )
    notes: Note | None = Field(default=None, description="Remarks; kept in survey only.")

    @model_validator(mode="after")
    def _reason_for_other(self) -> Self:
        if self.reason_code is PreliminaryFailReason.OTHER and not self.reason_zh:
            raise field_error("reason_required", "选择“其他”时须填写未通过原因")
        return self

    @property
    def reason_text(self) -> str:
        """The Chinese reason: as written, or the code's label."""
        return self.reason_zh or self.reason_code.label_zh


PreliminaryReviewIn = Annotated[PreliminaryPass | PreliminaryFail, Field(discriminator="outcome")]


class PreliminaryReviewRead(BaseModel):
    """The recorded preliminary review."""

    survey_id: uuid.UUID = Field(description="The survey.")
    person_id: uuid.UUID = Field(description="The applicant reviewed (intake's person id).")
    outcome: Literal["passed", "failed"] = Field(description="passed 初审通过 / failed 初审未通过.")
    status: TaskStatus = Field(description="Task status after the review.")
    version: int = Field(description="Task version after the review.")
    recommended_category: RecipientCategory | None = Field(default=None, description="If passed.")
    recommended_conditions: list[SpecialCondition] = Field(
        default_factory=list, description="If passed: conditions the recommendation rests on."
    )
    recommended_item_codes: list[str] = Field(
        default_factory=list, description="If passed: catalogue items recommended."
    )
    recommended_service_categories: list[ServiceCategory] = Field(
        default_factory=list, description="If passed: service categories of the need."
    )
    recommended_modes: list[ServiceMode] = Field(
        default_factory=list, description="If passed: service modes recommended."
    )
    reason_code: PreliminaryFailReason | None = Field(default=None, description="If failed.")
    reason_zh: str | None = Field(default=None, description="If failed: the Chinese reason.")
    notes: str | None = Field(default=None, description="Remarks.")
    reviewed_by: list[str] = Field(description="The two team members who sign (双人签字).")
    recorded_by: str = Field(description="Team member who recorded it.")
    recorded_at: datetime = Field(description="When it was recorded.")
