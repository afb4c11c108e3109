"""Requests and answers of the funds: budgets, the locality total, fund standing."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.enums import FundingSource

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
    budget_fen: int | None = Field(description="Budget, if one was set (none: not bound).")
    committed_fen: int = Field(description="On confirmed or paid statements.")
    held_fen: int = Field(description="On statements held for the county's budget approval.")
    drafted_fen: int = Field(description="On draft statements.")
    remaining_fen: int | None = Field(description="Budget minus committed.")
    used_percent: int | None = Field(
        description="Committed as a whole percent of the budget, rounded down (none: no budget)."
    )
    thresholds_reached: list[int] = Field(
        description="The county's warning thresholds (percent) the committed spending reached."
    )


class FundsRead(BaseModel):
    """Where each fund stands for a county or township and year, and the 1% cap."""

    division_code: str
    year: int
    funds: list[FundRow]
    cap: dict[str, Any] | None = Field(description="For a county: the 1% cap figures.")
