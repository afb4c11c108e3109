"""Answers of the year-end: each fund's year, equal to the ledger to the fen."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FundYearEndRead(BaseModel):
    """One fund's year (``total`` adds every fund); all amounts in integer fen."""

    funding_source: str = Field(description="Fund code, or ``total`` for the sum row.")
    label_zh: str
    budget_fen: int | None = Field(description="The division's yearly budget, if set.")
    ledger_fen: int = Field(description="Σ ledger lines of the year's periods.")
    reversed_fen: int = Field(description="Part of the ledger from reversal lines (≤ 0).")
    committed_fen: int = Field(description="Statements confirmed or paid.")
    paid_fen: int = Field(description="Statements paid.")
    open_fen: int = Field(description="Statements still draft or held.")
    carried_fen: int = Field(description="Negative statements carried into a later period.")
    carried_in_fen: int = Field(description="Carried in from the year before (≤ 0).")
    carried_out_fen: int = Field(description="Carried into the next year (≤ 0).")
    unsettled_fen: int = Field(description="Lines and carries of periods with no statement.")
    difference_fen: int = Field(
        description="committed + open + unsettled + carried_out − (ledger + carried_in)."
    )
    balanced: bool


class YearEndRead(BaseModel):
    """A county's or township's year-end report per fund."""

    division_code: str
    division_zh: str
    year: int
    funds: list[FundYearEndRead]
    total: FundYearEndRead
    balanced: bool = Field(description="Every fund equals its ledger to the fen.")
    drafts: int = Field(description="Statements of the year still draft.")
    held: int = Field(description="Statements of the year held for the county's approval.")
    unsettled: int = Field(description="Periods with lines or carries but no statement.")
    closed: bool
    closed_by: str | None = None
    closed_at: datetime | None = None
