"""Small value objects nested in more than one producer's events."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts.enums import FundingSource, PeriodUnit, ServiceCategory, ServiceMode
from contracts.fields import ItemCode


class Value(BaseModel):
    """Base of nested values: frozen and tolerant of extra fields, like events."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Frequency(Value):
    """How often a service is given: ``times`` per ``per``."""

    times: int = Field(ge=1, description="Number of services per period.")
    per: PeriodUnit = Field(description="The period the count refers to.")


class ApprovedItem(Value):
    """One service item approved for a recipient."""

    item_code: ItemCode = Field(description="Item code in the county catalogue.")
    service_category: ServiceCategory = Field(description="Category the item belongs to.")
    mode: ServiceMode = Field(description="Service mode that delivers it.")
    frequency: Frequency = Field(description="How often it is given.")
    funding_source: FundingSource = Field(description="The fund that pays for it.")


class FundingTotal(Value):
    """An amount attributed to one funding source."""

    funding_source: FundingSource = Field(description="The fund.")
    amount_fen: int = Field(description="Amount in fen (may be negative after reversals).")
