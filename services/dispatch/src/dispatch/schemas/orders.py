"""Service orders over HTTP: the township's view and queue, and the provider's answers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from contracts.dispatch.orders import UnplacedReason
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.fields import ProviderCode, Version
from contracts.reasons import DeclineReason, OrderChangeReason
from contracts.values import Frequency
from dispatch.domain.orders import OrderAction, OrderStatus
from dispatch.schemas.common import Phone, Request, Sealed, TextZh


class OrderRead(BaseModel):
    """A service order as officers see it."""

    order_id: uuid.UUID = Field(description="The order.")
    referral_id: uuid.UUID = Field(description="The approved item it places.")
    version: int = Field(description="Version of the order.")
    status: OrderStatus = Field(description="Where it stands.")
    recipient_id: uuid.UUID = Field(description="The recipient.")
    person_id: uuid.UUID = Field(description="The person.")
    display_name: str = Field(description="Masked name.")
    provider_code: str | None = Field(description="Provider, none while queued.")
    item_code: str = Field(description="Catalogue item.")
    service_category: ServiceCategory = Field(description="Category.")
    mode: ServiceMode = Field(description="Service mode.")
    frequency: Frequency = Field(description="How often.")
    funding_source: FundingSource = Field(description="Fund that pays.")
    unit: FeeUnit | None = Field(description="Unit, from the catalogue.")
    township_code: str = Field(description="Township that pays.")
    village_code: str = Field(description="Village of the recipient.")
    start_date: date = Field(description="First day of service.")
    end_date: date | None = Field(description="Last day, if fixed.")
    respond_by: datetime | None = Field(description="Deadline for the provider's answer.")
    escalated_at: datetime | None = Field(description="When it went to the township queue.")
    escalation_kind: str | None = Field(description="Why it was escalated.")
    unplaced_reason: UnplacedReason | None = Field(description="Why nobody could take it.")
    unplaced_reason_zh: str | None = Field(
        default=None, description="Why, in Chinese, when the code is too coarse (e.g. other)."
    )
    replaces_order_id: uuid.UUID | None = Field(description="Order it took over from.")
    decline_reason_code: DeclineReason | None = Field(description="Why it was declined.")
    admission_date: date | None = Field(description="Institutional care: admission day.")
    paired_member_ref: str | None = Field(description="Party building: paired member.")
    change_reason_code: OrderChangeReason | None = Field(
        default=None, description="Why it was last paused, resumed or ended."
    )
    change_effective_date: date | None = Field(
        default=None, description="Day that change applies from."
    )


class ProviderOrderRead(BaseModel):
    """An order as its provider sees it (no other provider's, no personal details)."""

    order_id: uuid.UUID = Field(description="The order.")
    version: int = Field(description="Version to quote in answers.")
    status: OrderStatus = Field(description="Where it stands.")
    recipient_id: uuid.UUID = Field(description="The recipient.")
    person_id: uuid.UUID = Field(description="The person (quote it on the reply topic).")
    display_name: str = Field(description="Masked name.")
    item_code: str = Field(description="Catalogue item.")
    mode: ServiceMode = Field(description="Service mode.")
    frequency: Frequency = Field(description="How often.")
    unit: FeeUnit | None = Field(description="Unit.")
    village_code: str = Field(description="Village of the recipient.")
    start_date: date = Field(description="First day of service.")
    end_date: date | None = Field(description="Last day, if fixed.")
    respond_by: datetime | None = Field(description="Answer by.")
    change_reason_code: OrderChangeReason | None = Field(
        default=None, description="Why it was last paused, resumed or ended."
    )
    change_effective_date: date | None = Field(
        default=None, description="Day that change applies from."
    )


class AcceptBody(Request):
    """A provider accepts an order."""

    order_version: Version = Field(description="Version of the order you saw.")
    admission_date: date | None = Field(
        default=None, description="Institutional care: the day of admission (required there)."
    )
    paired_member_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Party building: your reference of the paired member (required there).",
    )


class DeclineBody(Request):
    """A provider declines an order."""

    order_version: Version = Field(description="Version of the order you saw.")
    reason_code: DeclineReason = Field(description="Why.")
    reason_zh: TextZh | None = Field(default=None, description="Short Chinese note.")


class ChangeAckBody(Request):
    """A provider confirms it has seen a pause, resumption or end of its order."""

    order_version: Version = Field(
        description="Version of the order in the change notice (OrderPaused/Resumed/Cancelled)."
    )
    acknowledged_event_id: uuid.UUID | None = Field(
        default=None, description="event_id of the notice, if you have it (checked when given)."
    )


class ChangeRead(BaseModel):
    """A change of an order its provider must acknowledge, and whether it did."""

    change_id: uuid.UUID = Field(description="event_id of the notice on the provider's topic.")
    order_id: uuid.UUID = Field(description="The order.")
    order_version: int = Field(description="Version of the order after the change.")
    provider_code: str = Field(description="The provider told.")
    kind: OrderAction = Field(description="paused, resumed or cancelled.")
    reason_code: OrderChangeReason = Field(description="Why.")
    effective_date: date = Field(description="Day the change applies from.")
    acknowledge_by: datetime = Field(description="Deadline for the acknowledgement.")
    acknowledged_at: datetime | None = Field(description="When the provider acknowledged.")
    acknowledged_via: str | None = Field(description="http or kafka.")
    escalated_at: datetime | None = Field(description="When it went to the township queue.")


class PendingChangeRead(BaseModel):
    """A change of an order its provider has not acknowledged yet, as the township sees it."""

    change_id: uuid.UUID = Field(description="event_id of the notice on the provider's topic.")
    order_id: uuid.UUID = Field(description="The order.")
    order_version: int = Field(description="Version of the order after the change.")
    recipient_id: uuid.UUID = Field(description="The recipient the order serves.")
    display_name: str = Field(description="The recipient's masked name.")
    village_code: str = Field(description="Village of the order.")
    item_code: str = Field(description="Catalogue item of the order.")
    provider_code: str = Field(description="The provider told.")
    kind: OrderAction = Field(description="paused, resumed or cancelled.")
    reason_code: OrderChangeReason = Field(description="Why.")
    effective_date: date = Field(description="Day the change applies from.")
    sent_at: datetime = Field(description="When the provider was told.")
    acknowledge_by: datetime = Field(description="Deadline for the acknowledgement.")
    overdue: bool = Field(description="The deadline has passed (Chizhou's clock).")
    escalated_at: datetime | None = Field(description="When it went to the township queue.")


class ReassignBody(Request):
    """A township officer hands an order to a provider of their choice."""

    provider_code: ProviderCode = Field(description="The provider that gets the order.")
    reason_zh: TextZh = Field(description="Why the officer chose it (kept with the order).")


class ContactBody(Request):
    """A recipient's contact details, for the provider serving them."""

    address: Annotated[str, Sealed] = Field(
        min_length=2, max_length=200, description="Home address."
    )
    phone: Phone = Field(description="Phone number.")
    emergency_contact: Annotated[str, Sealed] | None = Field(
        default=None, max_length=100, description="Family member to call in an emergency."
    )
    notes_zh: Annotated[str, Sealed] | None = Field(
        default=None, max_length=500, description="Notes for visits."
    )


class ContactRead(BaseModel):
    """Contact details, read by the order's provider (each read is logged)."""

    order_id: uuid.UUID = Field(description="The order the details were read through.")
    recipient_id: uuid.UUID = Field(description="The recipient.")
    person_id: uuid.UUID = Field(description="The person (named in the read audit).")
    address: str = Field(description="Home address.")
    phone: str = Field(description="Phone number.")
    emergency_contact: str | None = Field(description="Emergency contact.")
    notes_zh: str | None = Field(description="Notes for visits.")
