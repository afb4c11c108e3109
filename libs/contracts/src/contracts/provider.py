"""Events a provider publishes on its own reply topic ``provider.<code>.replies.v1``.

The same payloads may be POSTed to dispatch's provider HTTP API. Dispatch checks that
``provider_code`` matches the topic (or the token) before it believes anything here.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from contracts import topics
from contracts.envelope import PersonEvent
from contracts.fields import ItemCode, ProviderCode, ReasonZh, Version
from contracts.reasons import DeclineReason
from contracts.values import Frequency, Value


class ProviderReplyEvent(PersonEvent):
    """Base of a provider's replies."""

    TOPIC: ClassVar[str] = topics.PROVIDER_REPLIES_FAMILY

    producer: Literal["provider"] = Field(default="provider", description="Always provider.")
    provider_code: ProviderCode = Field(description="The provider replying (owner of the topic).")


class OrderAccepted(ProviderReplyEvent):
    """The provider accepts an assigned order."""

    event_type: Literal["provider.OrderAccepted"] = Field(
        default="provider.OrderAccepted", description="Event name."
    )
    order_id: uuid.UUID = Field(description="The order accepted.")
    order_version: Version = Field(description="Version of the order the provider saw.")
    admission_date: date | None = Field(
        default=None,
        description="Institutional care: the day the person is (to be) admitted; required there.",
    )
    paired_member_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Party building: the branch's reference of the paired member; required there.",
    )


class OrderDeclined(ProviderReplyEvent):
    """The provider declines an assigned order."""

    event_type: Literal["provider.OrderDeclined"] = Field(
        default="provider.OrderDeclined", description="Event name."
    )
    order_id: uuid.UUID = Field(description="The order declined.")
    order_version: Version = Field(description="Version of the order the provider saw.")
    reason_code: DeclineReason = Field(description="Why it declines.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")


class OrderChangeAcknowledged(ProviderReplyEvent):
    """The provider confirms it has seen a pause, resumption or cancellation."""

    event_type: Literal["provider.OrderChangeAcknowledged"] = Field(
        default="provider.OrderChangeAcknowledged", description="Event name."
    )
    order_id: uuid.UUID = Field(description="The order changed.")
    order_version: Version = Field(description="Version of the order acknowledged.")
    acknowledged_event_id: uuid.UUID = Field(description="event_id of the change acknowledged.")


class PlannedItem(Value):
    """One item of a service plan."""

    order_id: uuid.UUID = Field(description="The order the item belongs to.")
    item_code: ItemCode = Field(description="Catalogue item.")
    frequency: Frequency = Field(description="How often the provider plans to give it.")


class ServicePlanSubmitted(ProviderReplyEvent):
    """The provider submitted (or revised) its service plan for one person (服务方案)."""

    event_type: Literal["provider.ServicePlanSubmitted"] = Field(
        default="provider.ServicePlanSubmitted", description="Event name."
    )
    plan_id: uuid.UUID = Field(description="The plan; a revision keeps the id.")
    version: Version = Field(description="Revision of the plan.")
    items: tuple[PlannedItem, ...] = Field(min_length=1, description="Items planned.")
    starts_on: date = Field(description="First day of the plan.")
    ends_on: date | None = Field(default=None, description="Last day of the plan, if fixed.")
    summary_zh: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="The plan in words (服务方案), for the township; stays in dispatch.",
    )


class ServiceRecordReported(ProviderReplyEvent):
    """The provider reports one service it gave (服务开展情况记录)."""

    event_type: Literal["provider.ServiceRecordReported"] = Field(
        default="provider.ServiceRecordReported", description="Event name."
    )
    record_id: uuid.UUID = Field(
        description="The record; the provider makes the id, so retries are safe."
    )
    order_id: uuid.UUID = Field(description="The order it was given under.")
    item_code: ItemCode = Field(description="Catalogue item given.")
    quantity: int = Field(ge=1, description="Units given, in the order's unit (visits, hours...).")
    service_date: date = Field(description="Day of the service.")
    started_at: AwareDatetime = Field(description="When the service started.")
    ended_at: AwareDatetime = Field(description="When the service ended.")
    worker_ref: str = Field(
        min_length=1, max_length=64, description="The provider's own reference for the worker."
    )
    recipient_confirmed: bool = Field(description="Whether the recipient signed or confirmed.")
    evidence_document_ids: tuple[uuid.UUID, ...] = Field(
        default=(), description="Uploaded evidence (photos, signed sheets) held by archive."
    )
    confirmation_ref: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="Reference of the recipient's confirmation (signature sheet or photo id).",
    )
    location: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        description="Where the service was given (e.g. 'home', 'day-care centre' or "
        "'lat,lon'); stays in dispatch.",
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self


EVENTS = (
    OrderAccepted,
    OrderDeclined,
    OrderChangeAcknowledged,
    ServicePlanSubmitted,
    ServiceRecordReported,
)
