"""Events dispatch publishes on one provider's own topic ``dispatch.provider.<code>.v1``.

Only what the provider must act on, with a masked name. Contact details and the address
are not in Kafka: the provider fetches them per order over the authenticated HTTP API,
where each access is checked against its provider code and logged.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts import topics
from contracts.enums import FeeUnit, ServiceCategory, ServiceMode
from contracts.envelope import PersonEvent
from contracts.fields import (
    ItemCode,
    MaskedName,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    Version,
    VillageCode,
)
from contracts.reasons import OrderChangeReason
from contracts.values import Frequency


class ProviderOrderEvent(PersonEvent):
    """Base of the events on a provider's own topic."""

    TOPIC: ClassVar[str] = topics.PROVIDER_ORDERS_FAMILY

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    provider_code: ProviderCode = Field(description="The provider addressed (owner of the topic).")
    order_id: uuid.UUID = Field(description="The service order.")
    version: Version = Field(description="Version of the order after this event.")


class _ProviderOrderChange(ProviderOrderEvent):
    """A change the provider must acknowledge by ``acknowledge_by``."""

    effective_date: date = Field(description="Day from which the change applies.")
    reason_code: OrderChangeReason = Field(description="Why the order changed.")
    reason_zh: ReasonZh = Field(description="Chinese reason for the provider's staff.")
    acknowledge_by: AwareDatetime = Field(
        description="Deadline for OrderChangeAcknowledged; later, the order is escalated."
    )


class OrderAssigned(ProviderOrderEvent):
    """A new order for this provider; accept or decline it by ``respond_by``."""

    event_type: Literal["dispatch.OrderAssigned"] = Field(
        default="dispatch.OrderAssigned", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient to serve.")
    display_name: MaskedName = Field(description="Masked name of the recipient (e.g. 张*三).")
    item_code: ItemCode = Field(description="Catalogue item to deliver.")
    service_category: ServiceCategory = Field(description="Category of the item.")
    mode: ServiceMode = Field(description="Service mode.")
    frequency: Frequency = Field(description="How often the item is given.")
    unit: FeeUnit = Field(description="Unit the item is counted and billed in.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community of the recipient.")
    start_date: date = Field(description="First day of service.")
    end_date: date | None = Field(default=None, description="Last day of service, if fixed.")
    respond_by: AwareDatetime = Field(description="Deadline to accept or decline.")


class OrderPaused(_ProviderOrderChange):
    """Stop serving this order from the effective date until it is resumed."""

    event_type: Literal["dispatch.OrderPaused"] = Field(
        default="dispatch.OrderPaused", description="Event name."
    )
    expected_end: date | None = Field(
        default=None, description="Day the pause is expected to end, if known."
    )


class OrderResumed(_ProviderOrderChange):
    """Serve this order again from the effective date."""

    event_type: Literal["dispatch.OrderResumed"] = Field(
        default="dispatch.OrderResumed", description="Event name."
    )


class OrderCancelled(_ProviderOrderChange):
    """Stop serving this order for good; services after the effective date are not paid."""

    event_type: Literal["dispatch.OrderCancelled"] = Field(
        default="dispatch.OrderCancelled", description="Event name."
    )


class PlanAnswered(PersonEvent):
    """The township answered this provider's service plan: agreed, or returned to be revised."""

    TOPIC: ClassVar[str] = topics.PROVIDER_ORDERS_FAMILY

    event_type: Literal["dispatch.PlanAnswered"] = Field(
        default="dispatch.PlanAnswered", description="Event name."
    )
    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    provider_code: ProviderCode = Field(description="The provider addressed (owner of the topic).")
    plan_id: uuid.UUID = Field(description="The plan.")
    version: Version = Field(description="The revision answered.")
    agreed: bool = Field(description="True: agreed; false: returned, revise and propose again.")
    reason_zh: ReasonZh | None = Field(
        default=None, description="For a returned plan: what to change, in Chinese."
    )


EVENTS = (OrderAssigned, OrderPaused, OrderResumed, OrderCancelled, PlanAnswered)
