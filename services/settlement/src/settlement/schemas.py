"""HTTP request and response models of settlement (money in integer fen, Chinese labels)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from contracts.enums import FeeUnit, FundingSource, ServiceCategory
from contracts.fields import ItemCode
from contracts.kinds import SpotCheckOutcome
from contracts.settlement import CatalogueItem

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T] = Field(description="The rows of this page.")
    total: int = Field(description="Rows matching, over all pages.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Rows per page (at most 100).")


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


#: The most a budget or a yearly total may be, in fen (1 万亿元); beyond a BIGINT it was a 500.
MAX_FEN = 10**14


class BudgetSet(BaseModel):
    """A fund's yearly budget in fen."""

    model_config = ConfigDict(extra="forbid")

    amount_fen: int = Field(ge=0, le=MAX_FEN, description="Budget in fen.")


class AssistanceTotalSet(BaseModel):
    """The locality's total social-assistance funds for a year, in fen (base of the 1% cap)."""

    model_config = ConfigDict(extra="forbid")

    total_fen: int = Field(ge=0, le=MAX_FEN, description="Total in fen.")


class FundRow(BaseModel):
    """One fund's budget and use."""

    funding_source: FundingSource
    label_zh: str
    budget_fen: int | None = Field(description="Budget, if one was set.")
    committed_fen: int = Field(description="On confirmed or paid statements.")
    drafted_fen: int = Field(description="On draft statements.")
    remaining_fen: int | None = Field(description="Budget minus committed.")


class FundsRead(BaseModel):
    """Where each fund stands for a county or township and year, and the 1% cap."""

    division_code: str
    year: int
    funds: list[FundRow]
    cap: dict[str, Any] | None = Field(description="For a county: the 1% cap figures.")


class RecordRead(BaseModel):
    """A delivered service and where it stands for payment."""

    record_id: uuid.UUID
    recipient_id: uuid.UUID
    order_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    township_code: str
    item_code: str
    mode: str
    funding_source: FundingSource
    unit: FeeUnit
    quantity: int
    service_date: date
    billing_status: str = Field(description="billed, not_billable or pending.")
    billing_status_zh: str
    reason_code: str | None = Field(description="Why it is not billed.")
    reason_zh: str | None


class LedgerLineRead(BaseModel):
    """One ledger line (append-only)."""

    line_id: uuid.UUID
    kind: str
    period: str = Field(description="Statement period the line lands on.")
    service_month: str
    service_date: date | None
    record_id: uuid.UUID | None
    recipient_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    township_code: str
    item_code: str
    funding_source: FundingSource
    unit: FeeUnit
    quantity: int
    unit_fee_fen: int
    amount_fen: int
    catalogue_version: int
    reverses_line_id: uuid.UUID | None
    reason_zh: str | None
    posted_at: datetime


class ItemTotal(BaseModel):
    """A statement's total for one item (current month or adjustments)."""

    item_code: str
    unit: FeeUnit
    is_adjustment: bool
    quantity: int
    amount_fen: int
    line_count: int


class SourceTotal(BaseModel):
    """A statement's total for one funding source."""

    funding_source: FundingSource
    amount_fen: int
    line_count: int


class StatementRead(BaseModel):
    """A provider's statement for a township and period."""

    statement_id: uuid.UUID
    county_code: str
    township_code: str
    provider_id: uuid.UUID
    provider_code: str
    period_kind: str
    period: str
    status: str
    status_zh: str
    version: int
    total_fen: int
    adjustment_fen: int = Field(description="Part of the total from earlier, closed months.")
    line_count: int
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    paid_on: date | None = None
    payment_reference: str | None = None
    by_item: list[ItemTotal] = Field(default_factory=list)
    by_funding_source: list[SourceTotal] = Field(default_factory=list)
    ledger_total_fen: int | None = Field(
        default=None, description="Total recomputed from the ledger."
    )
    consistent: bool | None = Field(
        default=None, description="Stored totals equal the recomputation."
    )


class RunRead(BaseModel):
    """The result of a settlement run."""

    period: str
    changed: list[uuid.UUID] = Field(description="Statements issued or refreshed by this run.")
    statements: list[StatementRead] = Field(description="Every statement of the scope and period.")


class PaymentCreate(BaseModel):
    """The township's payment of a confirmed statement."""

    model_config = ConfigDict(extra="forbid")

    payment_reference: str = Field(min_length=1, max_length=64, description="Voucher number.")
    paid_on: date = Field(description="Day of payment.")


class DrawCreate(BaseModel):
    """A spot-check draw: a seed and the rate to reach."""

    model_config = ConfigDict(extra="forbid")

    seed: str = Field(
        min_length=1, max_length=64, description="Seed; the same seed redraws the same sample."
    )
    rate_percent: int = Field(
        default=30, ge=30, le=100, description="Share of the year's services to check."
    )


class DrawRead(BaseModel):
    """A stored draw."""

    draw_id: uuid.UUID
    county_code: str
    year: int
    seed: str
    rate_bp: int
    population: int
    drawn: int


class SpotCheckResultCreate(BaseModel):
    """An inspector's finding."""

    model_config = ConfigDict(extra="forbid")

    outcome: SpotCheckOutcome = Field(description="confirmed passes; anything else fails.")
    notes: str | None = Field(
        default=None, max_length=500, description="Notes (no health details)."
    )


class SpotCheckRead(BaseModel):
    """One drawn record and its check."""

    spot_check_id: uuid.UUID
    record_id: uuid.UUID
    county_code: str
    township_code: str
    provider_id: uuid.UUID
    item_code: str
    year: int
    outcome: str | None
    passed: bool | None
    notes: str | None
    checked_by: str | None
    checked_on: date | None
    disallowed_fen: int | None = None


class SubsidyRun(BaseModel):
    """The township's yearly subsidy per counted neighbour service."""

    model_config = ConfigDict(extra="forbid")

    rate_fen: int = Field(ge=1, le=1_000_000, description="Subsidy per service in fen.")
    funding_source: FundingSource = Field(
        default=FundingSource.OTHER_SERVICE_AID, description="The fund that pays the subsidy."
    )
