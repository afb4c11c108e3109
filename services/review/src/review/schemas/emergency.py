"""Request body and answers of emergency care (救急难)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from contracts.enums import SelfCareLevel
from review.domain.case import ItemRequest
from review.domain.emergency import (
    ConsentGiven,
    ConsentMethod,
    Emergency,
    EmergencyState,
    OpenEmergency,
)
from review.schemas.decision import ItemIn
from review.schemas.status import no_personal_numbers


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsentIn(_In):
    """本人或监护人同意集中供养(机构照护): how and when (who recorded it is the caller)."""

    method: ConsentMethod = Field(
        description="written_signature 本人书面签字, guardian_signature 监护人书面签字, "
        "oral_witnessed 口头同意(有见证人)."
    )
    given_at: AwareDatetime = Field(description="同意的时间 (with a time zone), not in the future.")


class EmergencyIn(_In):
    """启动临时救助: the application, the items, how many days, and consent where needed."""

    application_id: uuid.UUID = Field(description="The registered application (申请编号).")
    items: list[ItemIn] = Field(min_length=1, max_length=30, description="临时服务事项.")
    days: int = Field(default=30, ge=1, le=30, description="临时救助天数, 1 to 30 (default 30).")
    reason_zh: str | None = Field(
        default=None, min_length=1, max_length=200, description="突发情况说明 (stays in review)."
    )
    medical_institution_needed: bool = Field(
        default=False, description="需医疗机构照护: refer only to a medical institution."
    )
    self_care_level: SelfCareLevel | None = Field(
        default=None, description="自理能力 as seen on the spot, if known."
    )
    consent: ConsentIn | None = Field(
        default=None, description="集中供养(institutional_care)时必填: the person's consent."
    )

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str | None) -> str | None:
        return no_personal_numbers(value)

    def to_domain(self) -> OpenEmergency:
        """The domain's command."""
        return OpenEmergency(
            **self.model_dump(exclude={"items", "consent"}),
            items=tuple(ItemRequest.model_validate(i.model_dump()) for i in self.items),
            consent=ConsentGiven.model_validate(self.consent.model_dump())
            if self.consent
            else None,
        )


class ConsentRead(BaseModel):
    """The consent as recorded."""

    method: ConsentMethod = Field(description="How it was given.")
    method_zh: str = Field(description="方式 in Chinese.")
    given_at: datetime = Field(description="When it was given.")
    recorded_by: str = Field(description="Who recorded it.")
    recorded_at: datetime = Field(description="When it was recorded.")


class EmergencyRead(BaseModel):
    """Emergency care: its recipient, deadline, consent and how it stands."""

    recipient_id: uuid.UUID = Field(description="The recipient created at once.")
    application_id: uuid.UUID = Field(description="The application it was opened on.")
    person_id: uuid.UUID = Field(description="The person.")
    county_code: str = Field(description="County code.")
    township_code: str = Field(description="Township code.")
    village_code: str = Field(description="Village code.")
    state: EmergencyState = Field(description="open, confirmed or ended.")
    state_zh: str = Field(description="临时救助中 / 已审核确认 / 已终止.")
    days: int = Field(description="Days granted.")
    reason_zh: str | None = Field(description="突发情况说明.")
    medical_institution_needed: bool = Field(description="Needs a medical institution.")
    consent: ConsentRead | None = Field(description="Consent to institutional care, if any.")
    opened_by: str = Field(description="Coordinator or officer who opened it.")
    opened_at: datetime = Field(description="When.")
    deadline_at: datetime = Field(description="When it ends unless confirmed.")
    temporary_until: date = Field(description="The Chizhou day of the deadline.")
    ended_at: datetime | None = Field(description="When it ended, if it did.")
    end_reason: str | None = Field(description="Why it ended.")
    confirmed_by: str | None = Field(description="Officer whose approval confirmed it.")
    confirmed_at: datetime | None = Field(description="When.")

    @classmethod
    def of(cls, e: Emergency) -> Self:
        """From the domain's record."""
        consent: dict[str, Any] | None = None
        if e.consent is not None:
            consent = {**e.consent.model_dump(), "method_zh": e.consent.method.label_zh}
        return cls.model_validate(
            {**e.model_dump(), "state_zh": e.state.label_zh, "consent": consent}
        )


class EmergencyList(BaseModel):
    """A page of emergency care, latest opened first."""

    items: list[EmergencyRead] = Field(description="The records on this page.")
    total: int = Field(description="Records matching the filters.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size.")
