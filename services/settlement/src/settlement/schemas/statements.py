"""Requests and answers of statements, settlement runs, payments and subsidies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.enums import FeeUnit, FundingSource


class ItemTotal(BaseModel):
    """A statement's total for one item (current month or adjustments)."""

    item_code: str
    unit: FeeUnit | Literal["carry"] = Field(
        description="Fee unit; 'carry' for a negative total carried in from an earlier period."
    )
    is_adjustment: bool
    quantity: int
    amount_fen: int
    line_count: int
    label_zh: str | None = Field(
        default=None, description="What the row is, when not an item (上期负数结转（…）)."
    )
    carried_from: str | None = Field(
        default=None, description="For a carry: the period whose negative total it is."
    )


class SourceTotal(BaseModel):
    """A statement's total for one funding source."""

    funding_source: FundingSource
    amount_fen: int
    line_count: int


class PendingReversal(BaseModel):
    """A payment reversal asked for and waiting for a second person's approval."""

    reversal_id: uuid.UUID
    reason_zh: str
    requested_by: str
    requested_at: datetime
    amount_fen: int


class HeldFigures(BaseModel):
    """Why a statement is held: the budget confirming it would go past (county decides)."""

    division_code: str = Field(description="The township or county whose budget binds.")
    funding_source: str
    year: int
    budget_fen: int
    committed_fen: int = Field(description="Already committed from the fund that year.")
    statement_fen: int = Field(description="What this statement would add.")
    over_by_fen: int = Field(description="How far past the budget it would go.")
    requested_by: str = Field(description="Who tried to confirm it.")
    requested_at: datetime


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
    pending_reversal: PendingReversal | None = Field(
        default=None,
        description="A reversal waiting for approval (GET /statements/{id}, staff only).",
    )
    held: HeldFigures | None = Field(
        default=None,
        description="For a held statement (staff only): the budget it waits on the county for.",
    )


class RunRead(BaseModel):
    """The result of a settlement run."""

    period: str
    changed: list[uuid.UUID] = Field(description="Statements issued or refreshed by this run.")
    statements: list[StatementRead] = Field(description="Every statement of the scope and period.")


class SubsidyRun(BaseModel):
    """The township's yearly subsidy per counted neighbour service."""

    model_config = ConfigDict(extra="forbid")

    rate_fen: int = Field(ge=1, le=1_000_000, description="Subsidy per service in fen.")
    funding_source: FundingSource = Field(
        default=FundingSource.OTHER_SERVICE_AID, description="The fund that pays the subsidy."
    )
