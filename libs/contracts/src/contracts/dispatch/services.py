"""Events dispatch publishes on ``dispatch.services.v1``: validated service records (step 6)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts import topics
from contracts.enums import FeeUnit, FundingSource, ServiceCategory, ServiceMode
from contracts.envelope import PersonEvent
from contracts.fields import (
    CountyCode,
    ItemCode,
    ProviderCode,
    ReasonZh,
    TownshipCode,
    VillageCode,
    check_division_chain,
)
from contracts.reasons import RecordRefusalReason


class ServiceRecordEvent(PersonEvent):
    """Base of the service-record events."""

    TOPIC: ClassVar[str] = topics.DISPATCH_SERVICES

    producer: Literal["dispatch"] = Field(default="dispatch", description="Always dispatch.")
    record_id: uuid.UUID = Field(description="The provider's service record.")
    order_id: uuid.UUID = Field(description="The order it was given under.")
    provider_id: uuid.UUID = Field(description="The provider.")
    provider_code: ProviderCode = Field(description="The provider's code.")


class ServiceDelivered(ServiceRecordEvent):
    """A service record passed validation: the service counts and may be billed."""

    event_type: Literal["dispatch.ServiceDelivered"] = Field(
        default="dispatch.ServiceDelivered", description="Event name."
    )
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    item_code: ItemCode = Field(description="Catalogue item delivered.")
    service_category: ServiceCategory = Field(description="Category of the item.")
    mode: ServiceMode = Field(description="Service mode.")
    funding_source: FundingSource = Field(description="The fund that pays for it.")
    unit: FeeUnit = Field(description="Unit the quantity is counted in.")
    quantity: int = Field(ge=1, description="Number of units delivered (visits, hours, meals...).")
    service_date: date = Field(description="Day the service was given.")
    county_code: CountyCode = Field(description="County-level division of the recipient.")
    township_code: TownshipCode = Field(description="Township/street: the purchaser that pays.")
    village_code: VillageCode = Field(description="Village/community of the recipient.")

    @model_validator(mode="after")
    def _divisions_nest(self) -> Self:
        check_division_chain(self.county_code, self.township_code, self.village_code)
        return self


class ServiceRecordRefused(ServiceRecordEvent):
    """A provider's service record was refused; it does not count and is not paid."""

    event_type: Literal["dispatch.ServiceRecordRefused"] = Field(
        default="dispatch.ServiceRecordRefused", description="Event name."
    )
    reason_code: RecordRefusalReason = Field(description="Why it was refused.")
    reason_zh: ReasonZh = Field(description="Chinese reason for the provider's staff.")


EVENTS = (ServiceDelivered, ServiceRecordRefused)
