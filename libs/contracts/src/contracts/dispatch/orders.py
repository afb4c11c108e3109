"""Events dispatch publishes on ``dispatch.orders.v1`` (step 5: referral to providers).

One order = one approved item for one recipient at one provider. Keyed by ``person_id``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from contracts import topics
from contracts.enums import FeeUnit, FundingSource, Role, ServiceCategory, ServiceMode
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    Version,
    VillageCode,
    check_division_chain,
)
from contracts.reasons import DeclineReason, EscalationKind, OrderChangeReason
from contracts.values import Frequency


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
    provider_id: uuid.UUID = Field(description="The provider concerned.")
    provider_code: ProviderCode = Field(description="The provider's code.")
    kind: EscalationKind = Field(description="What went wrong.")
    escalated_to: Role = Field(description="Role that must act.")
    respond_by: AwareDatetime | None = Field(
        default=None, description="When the officer should have acted."
    )
    source_event_id: uuid.UUID | None = Field(
        default=None, description="event_id of the unanswered event, if any."
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
