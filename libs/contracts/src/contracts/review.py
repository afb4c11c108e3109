"""Events review publishes: decisions on ``review.decisions.v1`` and status changes on
``review.recipient-status.v1`` (steps 4 and 9). Review owns the recipient and its status.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator
from pydantic.json_schema import JsonDict

from contracts import topics
from contracts.enums import (
    RecipientCategory,
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    SpecialCondition,
    StatusSource,
)
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    MaskedName,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    UserId,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import RejectionReason, ServiceChangeReason, StatusChangeReason
from contracts.values import ApprovedItem, Value

#: Consumers must tolerate new values of the enums marked with this (see ``contracts.compat``).
OPEN_ENUM: JsonDict = {"x-open-enum": True}


@zh_labels(
    {
        "review": "入户调查后审核确认",
        "emergency": "救急难临时救助",
        "import": "存量在册对象导入",
    }
)
class ApprovalRoute(ZhEnum):
    """How a person became a recipient."""

    REVIEW = "review"
    EMERGENCY = "emergency"
    IMPORT = "import"


@zh_labels(
    {
        "village_staff": "村(社区)工作人员",
        "coordinator": "社会救助协理员",
        "recipient": "服务对象本人(线上)",
        "township": "乡镇(街道)",
        "review": "审核确认",
    }
)
class ChangeSource(ZhEnum):
    """Who proposed a change to a recipient's services."""

    VILLAGE_STAFF = "village_staff"
    COORDINATOR = "coordinator"
    RECIPIENT = "recipient"
    TOWNSHIP = "township"
    REVIEW = "review"


class ReviewEvent(PersonEvent):
    """Base of review's events."""

    producer: Literal["review"] = Field(default="review", description="Always review.")


class RecipientApproved(ReviewEvent):
    """The township confirmed eligibility and items: the person is now a recipient (status v1)."""

    TOPIC: ClassVar[str] = topics.REVIEW_DECISIONS

    event_type: Literal["review.RecipientApproved"] = Field(
        default="review.RecipientApproved", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The new recipient.")
    application_id: uuid.UUID = Field(description="The application approved.")
    household_id: uuid.UUID = Field(description="The household (户) of the recipient.")
    version: Version = Field(default=1, description="Status version of the recipient; starts at 1.")
    category: RecipientCategory = Field(description="Assistance category confirmed.")
    special_conditions: tuple[SpecialCondition, ...] = Field(
        default=(), description="Special conditions confirmed."
    )
    self_care_level: SelfCareLevel | None = Field(
        default=None, description="Self-care level from the survey, if assessed."
    )
    county_code: CountyCode = Field(description="County-level division of residence.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community: where the board shows it.")
    approved_items: tuple[ApprovedItem, ...] = Field(
        min_length=1, description="Items approved, with mode, frequency and funding source."
    )
    effective_date: date = Field(description="First day services may be given and billed.")
    display_name: MaskedName = Field(description="Masked name for publicity (e.g. 张*三).")
    approved_by: UserId = Field(description="Township officer who approved.")
    need_categories: tuple[ServiceCategory, ...] = Field(
        default=(), description="Service categories the needs assessment classified the need under."
    )
    catalogue_version: Version | None = Field(
        default=None, description="Version of the county catalogue the items were checked against."
    )
    route: ApprovalRoute = Field(
        default=ApprovalRoute.REVIEW,
        description="How the person became a recipient (after review, in an emergency, imported).",
        json_schema_extra=OPEN_ENUM,
    )
    temporary_until: date | None = Field(
        default=None,
        description=(
            "Emergency care (救急难): the services end on this day unless the survey and review "
            "confirm them first (RecipientServicesChanged with ends_temporary_care)."
        ),
    )
    medical_institution_needed: bool = Field(
        default=False,
        description="The person's condition needs a medical institution: refer only to one.",
    )

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        if self.temporary_until is not None and self.temporary_until < self.effective_date:
            raise ValueError("temporary_until is before effective_date")
        return self


class ApplicationRejected(ReviewEvent):
    """The township rejected an application at review."""

    TOPIC: ClassVar[str] = topics.REVIEW_DECISIONS

    event_type: Literal["review.ApplicationRejected"] = Field(
        default="review.ApplicationRejected", description="Event name."
    )
    application_id: uuid.UUID = Field(description="The application rejected.")
    reason_code: RejectionReason = Field(description="Why it was rejected.")
    reason_zh: ReasonZh = Field(description="Chinese reason, as told to the applicant.")
    decided_by: UserId = Field(description="Township officer who decided.")


class RecipientStatusChanged(ReviewEvent):
    """A recipient's aid status changed; every service reacts from the effective date."""

    TOPIC: ClassVar[str] = topics.REVIEW_RECIPIENT_STATUS

    event_type: Literal["review.RecipientStatusChanged"] = Field(
        default="review.RecipientStatusChanged", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient.")
    status: RecipientStatus = Field(description="The new status.")
    previous_status: RecipientStatus = Field(description="The status before this change.")
    version: int = Field(
        ge=2, description="Status version after the change (approval is 1); drop anything older."
    )
    effective_date: date = Field(description="Day from which the new status applies.")
    reason_code: StatusChangeReason = Field(description="Why the status changed.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")
    source: StatusSource = Field(description="Decided at review, or reported by the city system.")
    decided_by: UserId | None = Field(
        default=None, description="Officer who decided (none when the city system reported it)."
    )
    expected_end: date | None = Field(
        default=None, description="For a suspension: the day it is expected to end, if known."
    )
    new_county_code: CountyCode | None = Field(
        default=None, description="For a transfer: the new county-level division."
    )
    new_township_code: TownshipCode | None = Field(
        default=None, description="For a transfer: the new township/street."
    )
    new_village_code: VillageCode | None = Field(
        default=None, description="For a transfer: the new village/community."
    )
    new_category: RecipientCategory | None = Field(
        default=None, description="For a category change: the new category."
    )

    @model_validator(mode="after")
    def _change_is_complete(self) -> Self:
        if self.status is RecipientStatus.TRANSFERRED:
            if not (self.new_county_code and self.new_township_code and self.new_village_code):
                raise ValueError("a transfer needs new county, township and village codes")
            check_division_chain(
                self.new_county_code, self.new_township_code, self.new_village_code
            )
        if self.status is RecipientStatus.CATEGORY_CHANGED and self.new_category is None:
            raise ValueError("a category change needs new_category")
        return self


class ItemProvider(Value):
    """The provider the township chose for an added or changed item."""

    item_code: ItemCode = Field(description="The item.")
    provider_code: ProviderCode = Field(description="The provider that is to give it.")


class RecipientServicesChanged(ReviewEvent):
    """The township approved a change to an active recipient's services, from a day on."""

    # On the status topic (keyed by person) so a change and a stop of one person keep their order.
    TOPIC: ClassVar[str] = topics.REVIEW_RECIPIENT_STATUS

    event_type: Literal["review.RecipientServicesChanged"] = Field(
        default="review.RecipientServicesChanged", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient.")
    change_id: uuid.UUID = Field(description="The change request approved.")
    services_version: int = Field(
        ge=2, description="Version of the approved services after the change (approval is 1)."
    )
    effective_date: date = Field(description="Day from which the new services apply.")
    approved_items: tuple[ApprovedItem, ...] = Field(
        min_length=1, description="Every approved item after the change (the whole new set)."
    )
    added_item_codes: tuple[ItemCode, ...] = Field(default=(), description="Items added.")
    removed_item_codes: tuple[ItemCode, ...] = Field(default=(), description="Items removed.")
    changed_item_codes: tuple[ItemCode, ...] = Field(
        default=(), description="Items kept with new terms (frequency, mode, fund or provider)."
    )
    item_providers: tuple[ItemProvider, ...] = Field(
        default=(), description="Providers chosen for added or changed items, if any."
    )
    reason_code: ServiceChangeReason = Field(
        description="Why the services changed.", json_schema_extra=OPEN_ENUM
    )
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")
    source: ChangeSource = Field(
        description="Who proposed the change.", json_schema_extra=OPEN_ENUM
    )
    decided_by: UserId = Field(description="Officer who approved the change.")
    ends_temporary_care: bool = Field(
        default=False,
        description="Emergency care confirmed: the services are no longer time-boxed.",
    )

    @model_validator(mode="after")
    def _change_is_consistent(self) -> Self:
        kept = {item.item_code for item in self.approved_items}
        if len(kept) != len(self.approved_items):
            raise ValueError("an item appears twice in approved_items")
        if not set(self.added_item_codes) | set(self.changed_item_codes) <= kept:
            raise ValueError("an added or changed item is missing from approved_items")
        if set(self.removed_item_codes) & kept:
            raise ValueError("a removed item is still in approved_items")
        chosen = {choice.item_code for choice in self.item_providers}
        if not chosen <= set(self.added_item_codes) | set(self.changed_item_codes):
            raise ValueError("a provider is chosen for an item that is neither added nor changed")
        return self


DECISION_EVENTS = (RecipientApproved, ApplicationRejected)
STATUS_EVENTS = (RecipientStatusChanged, RecipientServicesChanged)
EVENTS = DECISION_EVENTS + STATUS_EVENTS
