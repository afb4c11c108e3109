"""Requests and answers of the catalogue and fee standard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.enums import FeeUnit, ServiceCategory
from contracts.fields import ItemCode
from contracts.settlement import CatalogueItem


class CatalogueItemIn(BaseModel):
    """One item of a new catalogue version, with its fee standard."""

    model_config = ConfigDict(extra="forbid")

    item_code: ItemCode = Field(description="Stable item code, e.g. LC-01.")
    name_zh: str = Field(min_length=1, max_length=50, description="Chinese item name.")
    service_category: ServiceCategory = Field(description="Service category.")
    unit: FeeUnit = Field(description="Unit the fee is charged per.")
    fee_fen: int = Field(ge=0, le=10_000_000, description="Fee per unit in fen.")
    is_example: bool = Field(default=False, description="True only for demo fees.")

    def to_contract(self) -> CatalogueItem:
        """The item as it travels in CatalogueVersionPublished."""
        return CatalogueItem.model_validate(self.model_dump())


class VersionCreate(BaseModel):
    """A new version of the county's catalogue; it adds, never rewrites."""

    model_config = ConfigDict(extra="forbid")

    effective_from: date = Field(
        description="First day services are priced by it (not in the past)."
    )
    items: list[CatalogueItemIn] = Field(
        min_length=1, max_length=200, description="The whole item list."
    )

    @model_validator(mode="after")
    def _codes_unique(self) -> Self:
        codes = [i.item_code for i in self.items]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError(
                "duplicate_item_code",
                "item codes must be unique",
                {
                    "reason_code": "duplicate_item_code",
                    "message_zh": "同一版本中服务事项编码不能重复",
                },
            )
        return self


class VersionRead(BaseModel):
    """A catalogue version with its items."""

    county_code: str = Field(description="County-level unit.")
    version: int = Field(description="Version number, per county.")
    effective_from: date = Field(description="First day in force.")
    is_example: bool = Field(description="True while any fee is a demo value.")
    published_by: str = Field(description="Who published it.")
    published_at: datetime = Field(description="When it was stored.")
    items: list[CatalogueItem] = Field(description="The items and fees.")


class VersionSummary(BaseModel):
    """A catalogue version without its items."""

    version: int
    effective_from: date
    is_example: bool
    published_by: str
    published_at: datetime
