"""Events dispatch publishes on ``dispatch.orders.v1`` (step 5: referral to providers).

One order = one approved item for one recipient at one provider. Keyed by ``person_id``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from contracts import topics
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.envelope import PersonEvent
from contracts.fields import (
    ActingRole,
    CountyCode,
    ItemCode,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import DeclineReason, EscalationKind, OrderChangeReason
from contracts.values import Frequency


@zh_labels(
    {
        "no_provider_in_area": "本村(社区)无服务供给主体",
        "mode_not_offered": "无主体开展该服务方式",
        "item_not_offered": "无主体提供该服务事项",
        "all_suspended": "服务供给主体均已暂停",
        "not_qualified": "服务供给主体资质不在有效期内",
        "all_declined": "服务供给主体均已拒单",
        "no_capacity": "服务供给主体服务能力已满",
        "item_not_in_catalogue": "服务事项不在县级服务目录中",
        "other": "其他",
    }
)
class UnplacedReason(ZhEnum):
    """Why no provider could be chosen for an approved item (the order waits for an officer)."""

    NO_PROVIDER_IN_AREA = "no_provider_in_area"
    MODE_NOT_OFFERED = "mode_not_offered"
    ITEM_NOT_OFFERED = "item_not_offered"
    ALL_SUSPENDED = "all_suspended"
    NOT_QUALIFIED = "not_qualified"
    ALL_DECLINED = "all_declined"
    NO_CAPACITY = "no_capacity"
    ITEM_NOT_IN_CATALOGUE = "item_not_in_catalogue"
    OTHER = "other"


class OrderEvent(PersonEvent):
    """Base of the order events."""

    TOPIC: ClassVar[str] = topics.DISPATCH_ORDERS

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    order_id: uuid.UUID = Field(description="The service order.")
    version: Version = Field(description="Version of the order after this event.")


class _OrderChange(OrderEvent):
    """A change of an order's state from a given day."""

    effective_date: date = Field(description="Day from which the change applies.")
    reason_code: OrderChangeReason = Field(description="Why the order changed.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")
    cause_event_id: uuid.UUID | None = Field(
        default=None, description="event_id of what caused it, e.g. a RecipientStatusChanged."
    )


class ServiceOrderCreated(OrderEvent):
    """The township referred one approved item of a recipient to a provider (转介)."""

    event_type: Literal["dispatch.ServiceOrderCreated"] = Field(
        default="dispatch.ServiceOrderCreated", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    provider_id: uuid.UUID = Field(description="The provider chosen.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    item_code: ItemCode = Field(description="Catalogue item to deliver.")
    service_category: ServiceCategory = Field(description="Category of the item.")
    mode: ServiceMode = Field(description="Service mode.")
    frequency: Frequency = Field(description="How often the item is given.")
    funding_source: FundingSource = Field(description="The fund that pays for it.")
    unit: FeeUnit = Field(description="Unit the item is counted and billed in.")
    catalogue_version: Version = Field(description="Catalogue version the order was priced from.")
    county_code: CountyCode = Field(description="County-level division of the recipient.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community of the recipient.")
    start_date: date = Field(description="First day of service.")
    end_date: date | None = Field(default=None, description="Last day of service, if fixed.")
    referral_id: uuid.UUID | None = Field(
        default=None,
        description="The approved item this order places; orders re-routed after a decline "
        "or an officer's re-assignment share it.",
    )
    replaces_order_id: uuid.UUID | None = Field(
        default=None, description="The order this one takes over from (declined, re-assigned)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class ServiceOrderAccepted(OrderEvent):
    """The provider accepted the order."""

    event_type: Literal["dispatch.ServiceOrderAccepted"] = Field(
        default="dispatch.ServiceOrderAccepted", description="Event name."
    )
    provider_id: uuid.UUID = Field(description="The provider.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    admission_date: date | None = Field(
        default=None,
        description="For an institutional placement: the day of admission (per-day items "
        "count from it).",
    )
    paired_member_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="For party-building pairing: the branch's reference of the paired member.",
    )


class ServiceOrderDeclined(OrderEvent):
    """The provider declined the order; dispatch will route it again."""

    event_type: Literal["dispatch.ServiceOrderDeclined"] = Field(
        default="dispatch.ServiceOrderDeclined", description="Event name."
    )
    provider_id: uuid.UUID = Field(description="The provider.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    reason_code: DeclineReason = Field(description="Why it declined.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")


class ServiceOrderPaused(_OrderChange):
    """The order is paused (recipient suspended); not billable from the effective day."""

    event_type: Literal["dispatch.ServiceOrderPaused"] = Field(
        default="dispatch.ServiceOrderPaused", description="Event name."
    )
    expected_end: date | None = Field(
        default=None, description="Day the pause is expected to end, if known."
    )


class ServiceOrderResumed(_OrderChange):
    """A paused order runs again from the effective date."""

    event_type: Literal["dispatch.ServiceOrderResumed"] = Field(
        default="dispatch.ServiceOrderResumed", description="Event name."
    )


class ServiceOrderCancelled(_OrderChange):
    """The order ended for good; nothing after the effective date is billable."""

    event_type: Literal["dispatch.ServiceOrderCancelled"] = Field(
        default="dispatch.ServiceOrderCancelled", description="Event name."
    )
    replaced_by_order_id: uuid.UUID | None = Field(
        default=None, description="The order that takes over (re-routing, transfer), if any."
    )


class ServiceOrderEscalated(OrderEvent):
    """Something about the order needs an officer (no acceptance, no acknowledgement, complaint)."""

    event_type: Literal["dispatch.ServiceOrderEscalated"] = Field(
        default="dispatch.ServiceOrderEscalated", description="Event name."
    )
    provider_id: uuid.UUID | None = Field(
        default=None, description="The provider concerned; none when no provider could be chosen."
    )
    provider_code: ProviderCode | None = Field(
        default=None, description="The provider's code; none when no provider could be chosen."
    )
    kind: EscalationKind = Field(description="What went wrong.")
    escalated_to: ActingRole = Field(description="Role that must act.")
    respond_by: AwareDatetime | None = Field(
        default=None, description="When the officer should have acted."
    )
    source_event_id: uuid.UUID | None = Field(
        default=None, description="event_id of the unanswered event, if any."
    )
    unplaced_reason: UnplacedReason | None = Field(
        default=None,
        description=(
            "Why no provider could be chosen, when that is the problem. Open: a later version "
            "adds reasons (agreement ended, score below threshold); reason_zh says them now."
        ),
        json_schema_extra={"x-open-enum": True},
    )
    reason_zh: ReasonZh | None = Field(
        default=None, description="Chinese reason for the officer, when the code is too coarse."
    )
    referral_id: uuid.UUID | None = Field(
        default=None, description="The approved item the order places."
    )
    recipient_id: uuid.UUID | None = Field(default=None, description="The recipient concerned.")
    item_code: ItemCode | None = Field(default=None, description="Catalogue item of the order.")
    mode: ServiceMode | None = Field(default=None, description="Service mode of the order.")
    township_code: TownshipCode | None = Field(
        default=None, description="Township/street whose queue the order waits in."
    )
    village_code: VillageCode | None = Field(
        default=None, description="Village/community of the recipient."
    )


EVENTS = (
    ServiceOrderCreated,
    ServiceOrderAccepted,
    ServiceOrderDeclined,
    ServiceOrderPaused,
    ServiceOrderResumed,
    ServiceOrderCancelled,
    ServiceOrderEscalated,
)
