"""Neighbour mutual aid (邻里互助) over HTTP: village helpers and their services."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from contracts.fields import ItemCode, UserId
from contracts.kinds import AlertChannel
from dispatch.schemas.common import Phone, Request, Sealed, TextZh


class HelperBody(Request):
    """A trained neighbour to register in the village."""

    name_zh: str = Field(min_length=1, max_length=50, description="Name.")
    phone: Phone = Field(description="Phone number.")
    user_id: UserId = Field(description="Their login in the app (to answer alerts).")
    channel: AlertChannel = Field(default=AlertChannel.SMS, description="How to alert them.")
    trained_on: date = Field(description="Day they finished the care training.")
    training_org_zh: TextZh | None = Field(default=None, description="Who trained them.")


class HelperRead(BaseModel):
    """A registered neighbour helper."""

    helper_id: uuid.UUID = Field(description="Helper id.")
    village_code: str = Field(description="Village.")
    name_zh: str = Field(description="Name.")
    user_id: str = Field(description="Login.")
    channel: AlertChannel = Field(description="Alert channel.")
    trained_on: date = Field(description="Training day.")
    active: bool = Field(description="Still helping.")


class NeighbourServiceBody(Request):
    """Services a neighbour gave one recipient on one day."""

    record_id: uuid.UUID = Field(description="Your id for the record; a retry is safe.")
    helper_id: uuid.UUID = Field(description="The helper.")
    recipient_id: uuid.UUID = Field(description="The recipient served.")
    service_date: date = Field(description="Day.")
    count: int = Field(ge=1, le=50, description="Number of services that day.")
    content_zh: Annotated[TextZh, Sealed] = Field(description="What was done (e.g. 代购、打扫).")
    item_code: ItemCode | None = Field(default=None, description="Catalogue item, if one fits.")


class HelperYear(BaseModel):
    """A helper's services in a year (for the township's yearly subsidy)."""

    helper_id: uuid.UUID = Field(description="Helper.")
    name_zh: str = Field(description="Name.")
    services: int = Field(description="Services recorded.")
    days: int = Field(description="Days with services.")


class YearSummary(BaseModel):
    """All helpers of a village for one year."""

    village_code: str = Field(description="Village.")
    year: int = Field(description="Year.")
    helpers: list[HelperYear] = Field(description="One row per helper.")
