"""Events dispatch publishes on ``dispatch.providers.v1``: the provider registry.

Keyed by ``provider_id``. Registered and Updated carry the provider's whole current state.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from contracts import topics
from contracts.enums import ProviderType, ServiceCategory, ServiceMode
from contracts.envelope import KeyedEvent
from contracts.fields import CountyCode, ProviderCode, ReasonZh, TownshipCode, Version
from contracts.reasons import ProviderSuspensionReason


class ProviderEvent(KeyedEvent):
    """Base of the provider registry's events."""

    TOPIC: ClassVar[str] = topics.DISPATCH_PROVIDERS
    KEY_FIELD: ClassVar[str] = "provider_id"

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    provider_id: uuid.UUID = Field(description="The provider; also the Kafka key.")
    provider_code: ProviderCode = Field(description="Short code; names the provider's topics.")
    version: Version = Field(description="Version of the provider record.")


class _ProviderState(ProviderEvent):
    """The provider's full current state."""

    name_zh: str = Field(
        min_length=1,
        max_length=100,
        description="Organisation name; for a neighbour volunteer, a masked name only.",
    )
    provider_type: ProviderType = Field(description="Kind of provider.")
    credit_code: str | None = Field(
        default=None,
        pattern=r"^[0-9A-Z]{18}$",
        description="Unified social credit code (统一社会信用代码) of an organisation.",
    )
    county_code: CountyCode = Field(description="County whose bureau admitted the provider.")
    township_codes: tuple[TownshipCode, ...] = Field(
        min_length=1, description="Townships/streets the provider serves."
    )
    service_categories: tuple[ServiceCategory, ...] = Field(
        min_length=1, description="Service categories offered."
    )
    modes: tuple[ServiceMode, ...] = Field(min_length=1, description="Service modes it works in.")
    agreement_ends_on: date | None = Field(
        default=None, description="End of the current service agreement, if any."
    )


class ProviderRegistered(_ProviderState):
    """A provider was admitted to the registry."""

    event_type: Literal["dispatch.ProviderRegistered"] = Field(
        default="dispatch.ProviderRegistered", description="Event name."
    )


class ProviderUpdated(_ProviderState):
    """A provider's details changed."""

    event_type: Literal["dispatch.ProviderUpdated"] = Field(
        default="dispatch.ProviderUpdated", description="Event name."
    )


class ProviderSuspended(ProviderEvent):
    """A provider was suspended: it gets no new orders, and its open orders are re-routed."""

    event_type: Literal["dispatch.ProviderSuspended"] = Field(
        default="dispatch.ProviderSuspended", description="Event name."
    )
    effective_date: date = Field(description="Day from which it is suspended.")
    reason_code: ProviderSuspensionReason = Field(description="Why it was suspended.")
    reason_zh: ReasonZh | None = Field(default=None, description="Short Chinese note, if any.")


class ProviderReinstated(ProviderEvent):
    """A suspended provider may take orders again."""

    event_type: Literal["dispatch.ProviderReinstated"] = Field(
        default="dispatch.ProviderReinstated", description="Event name."
    )
    effective_date: date = Field(description="Day from which it may take orders.")


EVENTS = (ProviderRegistered, ProviderUpdated, ProviderSuspended, ProviderReinstated)
