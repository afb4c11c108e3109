"""Request bodies of the decision and its answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.enums import (
    FundingSource,
    PeriodUnit,
    RecipientCategory,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.fields import ItemCode
from contracts.privacy import looks_like_id_number, looks_like_phone
from contracts.reasons import RejectionReason
from review.domain.case import (
    Approval,
    Decision,
    DecisionKind,
    ItemRequest,
    NeedAssessment,
    Rejection,
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeedAssessmentIn(_In):
    """需求认定: the township's assessment of the person's needs."""

    self_care_level: SelfCareLevel = Field(description="自理能力评估等级 (self-care level).")
    need_categories: list[ServiceCategory] = Field(
        min_length=1, max_length=4, description="需求所属服务类别 (one to four, no repeats)."
    )
    notes: str | None = Field(
        default=None, max_length=1000, description="评估说明; stays in review, never published."
    )

    @field_validator("need_categories")
    @classmethod
    def _no_repeats(cls, value: list[ServiceCategory]) -> list[ServiceCategory]:
        if len(set(value)) != len(value):
            raise PydanticCustomError(
                "duplicate_need_category",
                "need categories repeat",
                {"reason_code": "duplicate_need_category", "message_zh": "服务类别不能重复"},
            )
        return value


class FrequencyIn(_In):
    """How often: ``times`` per ``per`` (e.g. 2 per month)."""

    times: int = Field(ge=1, le=100, description="每周期次数 (services per period).")
    per: PeriodUnit = Field(description="周期 (day, week, month or year).")


class ItemIn(_In):
    """One approved service item."""

    item_code: ItemCode = Field(description="服务目录中的项目编码, e.g. LC-03.")
    mode: ServiceMode = Field(description="服务方式 (one of the seven modes).")
    frequency: FrequencyIn = Field(description="服务频次.")
    funding_source: FundingSource = Field(description="资金来源 (the fund that pays).")


class ApproveIn(_In):
    """审核通过: needs assessment, items and the first day of service."""

    decision: Literal["approve"] = Field(description="approve.")
    need_assessment: NeedAssessmentIn = Field(description="需求认定.")
    items: list[ItemIn] = Field(min_length=1, max_length=30, description="核定的服务事项.")
    effective_date: date = Field(
        description="服务起始日期; items are checked against the catalogue in force on this day."
    )
    category: RecipientCategory | None = Field(
        default=None, description="确认的救助类别; defaults to the category applied for."
    )
    special_conditions: list[SpecialCondition] | None = Field(
        default=None,
        description="确认的特殊情形; defaults to those the survey confirmed. Only conditions "
        "claimed in the application or found by the survey may be confirmed.",
    )

    def to_domain(self) -> Approval:
        """The domain's approval."""
        a = self.need_assessment
        return Approval(
            need_assessment=NeedAssessment(
                self_care_level=a.self_care_level,
                need_categories=tuple(a.need_categories),
                notes=a.notes,
            ),
            items=tuple(ItemRequest.model_validate(i.model_dump()) for i in self.items),
            effective_date=self.effective_date,
            category=self.category,
            special_conditions=(
                tuple(self.special_conditions) if self.special_conditions is not None else None
            ),
        )


class RejectIn(_In):
    """不予确认: the reason, told to the applicant."""

    decision: Literal["reject"] = Field(description="reject.")
    reason_code: RejectionReason = Field(description="不予确认的原因代码.")
    reason_zh: str = Field(min_length=1, max_length=200, description="告知申请人的中文理由.")

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str) -> str:
        # The reason is published on Kafka and shown to the applicant.
        if looks_like_id_number(value) or looks_like_phone(value):
            raise PydanticCustomError(
                "personal_data_in_reason",
                "reason contains an ID or phone number",
                {
                    "reason_code": "personal_data_in_reason",
                    "message_zh": "理由中不得含身份证号或电话号码",
                },
            )
        return value

    def to_domain(self) -> Rejection:
        """The domain's rejection."""
        return Rejection(reason_code=self.reason_code, reason_zh=self.reason_zh)


DecisionIn = Annotated[ApproveIn | RejectIn, Field(discriminator="decision")]


class DecisionRead(BaseModel):
    """The township's decision on an application."""

    application_id: uuid.UUID = Field(description="The application decided.")
    person_id: uuid.UUID = Field(description="The applicant (never the ID number).")
    decision: DecisionKind = Field(description="approved or rejected.")
    decision_zh: str = Field(description="审核通过 / 不予确认.")
    decided_by: str = Field(description="Officer who decided.")
    decided_at: datetime = Field(description="When.")
    recipient_id: uuid.UUID | None = Field(description="The new recipient, on approval.")
    effective_date: date | None = Field(description="First day of service, on approval.")
    reason_code: RejectionReason | None = Field(description="On rejection: why.")
    reason_zh: str | None = Field(description="On rejection: the reason told to the applicant.")

    @classmethod
    def of(cls, d: Decision, *, person_id: uuid.UUID) -> Self:
        """From the domain's decision on the person's application."""
        return cls(
            person_id=person_id,
            decision=d.kind,
            decision_zh=d.kind.label_zh,
            **d.model_dump(exclude={"kind"}),
        )
