"""Request bodies and answers of service change requests (及时进行优化、增减)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from contracts.enums import FundingSource, SelfCareLevel, ServiceMode
from contracts.fields import ItemCode, ProviderCode
from contracts.reasons import ServiceChangeReason
from contracts.review import ChangeSource, ItemProvider
from contracts.values import ApprovedItem, Frequency
from review.domain.service_change import (
    ChangeAction,
    ChangeRequest,
    ChangeState,
    ItemChange,
    Proposal,
)
from review.schemas.decision import FrequencyIn
from review.schemas.status import no_personal_numbers


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemChangeIn(_In):
    """One item: add (with its terms), remove, or change (only the terms that change)."""

    action: ChangeAction = Field(description="add 增加, remove 减少, change 调整.")
    item_code: ItemCode = Field(description="服务目录中的项目编码, e.g. LC-03.")
    mode: ServiceMode | None = Field(default=None, description="服务方式 (add: required).")
    frequency: FrequencyIn | None = Field(default=None, description="服务频次 (add: required).")
    funding_source: FundingSource | None = Field(
        default=None, description="资金来源 (add: required)."
    )
    provider_code: ProviderCode | None = Field(
        default=None, description="拟定的服务供给主体 (add or change), if chosen."
    )

    def to_domain(self) -> ItemChange:
        """The domain's item change."""
        frequency = (
            Frequency.model_validate(self.frequency.model_dump()) if self.frequency else None
        )
        return ItemChange(**self.model_dump(exclude={"frequency"}), frequency=frequency)


class ServiceChangeIn(_In):
    """服务事项调整申请: the item changes, why, from which day, and a light re-assessment."""

    changes: list[ItemChangeIn] = Field(
        min_length=1, max_length=30, description="增减或调整的服务事项."
    )
    reason_code: ServiceChangeReason = Field(
        description="调整原因 (emergency_confirmed is review's own)."
    )
    reason_zh: str | None = Field(
        default=None, min_length=1, max_length=200, description="调整说明 (中文; sent to services)."
    )
    effective_date: date = Field(description="生效日期 (池州日期), today or later.")
    self_care_level: SelfCareLevel | None = Field(
        default=None, description="复评的自理能力等级, if re-assessed."
    )
    note_zh: str | None = Field(
        default=None, max_length=1000, description="复评说明; stays in review, never published."
    )
    for_recipient: bool = Field(
        default=False,
        description="服务对象本人提出 (staff record the request for them): source=recipient.",
    )

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str | None) -> str | None:
        # The note is published to every service on Kafka.
        return no_personal_numbers(value)

    @field_validator("reason_code")
    @classmethod
    def _not_reviews_own(cls, value: ServiceChangeReason) -> ServiceChangeReason:
        if value is ServiceChangeReason.EMERGENCY_CONFIRMED:
            raise PydanticCustomError(
                "reason_reserved",
                "emergency_confirmed is set by review",
                {"reason_code": "reason_reserved", "message_zh": "该原因仅用于临时救助审核确认"},
            )
        return value

    def to_domain(self) -> Proposal:
        """The domain's proposal."""
        return Proposal(
            **self.model_dump(exclude={"changes", "for_recipient"}),
            changes=tuple(c.to_domain() for c in self.changes),
        )


class ItemProviderIn(_In):
    """The provider the officer chooses for an added or changed item."""

    item_code: ItemCode = Field(description="The item (added or changed).")
    provider_code: ProviderCode = Field(description="服务供给主体编码.")


class ApproveChangeIn(_In):
    """同意: optionally the providers chosen for added or changed items."""

    decision: Literal["approve"] = Field(description="approve.")
    item_providers: list[ItemProviderIn] = Field(
        default_factory=list, max_length=30, description="选定的服务供给主体 (replace proposed)."
    )

    def providers(self) -> tuple[ItemProvider, ...]:
        """The contract's provider choices."""
        return tuple(ItemProvider.model_validate(p.model_dump()) for p in self.item_providers)


class RefuseChangeIn(_In):
    """不予同意: the reason, shown to the requester."""

    decision: Literal["refuse"] = Field(description="refuse.")
    reason_zh: str = Field(min_length=1, max_length=200, description="不予同意的理由.")

    @field_validator("reason_zh")
    @classmethod
    def _no_personal_numbers(cls, value: str) -> str:
        return no_personal_numbers(value) or value


ChangeDecisionIn = Annotated[ApproveChangeIn | RefuseChangeIn, Field(discriminator="decision")]


class ServiceChangeRead(BaseModel):
    """A change request with its decision (and, once approved, the new set and its diff)."""

    change_id: uuid.UUID = Field(description="The change request.")
    recipient_id: uuid.UUID = Field(description="The recipient.")
    person_id: uuid.UUID = Field(description="The person (never the ID number).")
    county_code: str = Field(description="County code.")
    township_code: str = Field(description="Township code.")
    village_code: str = Field(description="Village code.")
    state: ChangeState = Field(description="pending, approved or refused.")
    state_zh: str = Field(description="待审核 / 已同意 / 不予同意.")
    source: ChangeSource = Field(description="Who proposed it.")
    reason_code: ServiceChangeReason = Field(description="Why.")
    reason_zh: str | None = Field(description="调整说明.")
    effective_date: date = Field(description="First day of the new services.")
    changes: list[dict[str, Any]] = Field(description="The item changes as proposed.")
    self_care_level: SelfCareLevel | None = Field(description="Re-assessed self-care level.")
    note_zh: str | None = Field(description="复评说明 (stays in review).")
    county_decides: bool = Field(description="True: institutional care, the county decides.")
    requested_by: str = Field(description="Who proposed.")
    requested_at: datetime = Field(description="When.")
    decided_by: str | None = Field(description="Officer who decided.")
    decided_at: datetime | None = Field(description="When.")
    refusal_zh: str | None = Field(description="不予同意的理由.")
    services_version: int | None = Field(description="Services version after approval.")
    approved_items: list[ApprovedItem] = Field(
        description="The whole set after the change (a preview while pending)."
    )
    added_item_codes: list[str] = Field(description="Items added.")
    removed_item_codes: list[str] = Field(description="Items removed.")
    changed_item_codes: list[str] = Field(description="Items with new terms.")
    item_providers: list[ItemProvider] = Field(description="Providers chosen.")

    @classmethod
    def of(cls, r: ChangeRequest) -> Self:
        """From the domain's change request."""
        o = r.outcome
        return cls.model_validate(
            {
                **r.model_dump(exclude={"proposal", "outcome"}),
                **r.proposal.model_dump(mode="json"),
                "state_zh": r.state.label_zh,
                "approved_items": o.approved_items if o else [],
                "added_item_codes": o.added if o else [],
                "removed_item_codes": o.removed if o else [],
                "changed_item_codes": o.changed if o else [],
                "item_providers": o.item_providers if o else [],
            }
        )


class ServiceChangeList(BaseModel):
    """A page of change requests, oldest first."""

    items: list[ServiceChangeRead] = Field(description="The requests on this page.")
    total: int = Field(description="Requests matching the filters.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size.")
