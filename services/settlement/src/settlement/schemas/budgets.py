"""Requests and answers of budgets that bind: the county's policy, the decision on a hold."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from settlement.domain.budgets import DEFAULT_THRESHOLDS, BudgetMode


class BudgetPolicySet(BaseModel):
    """What confirming past a budget does in the county, and where it warns."""

    model_config = ConfigDict(extra="forbid")

    mode: BudgetMode = Field(description="refuse: refused with the figures; hold: county approves.")
    # Checked by the domain (1..100, ascending, at most five) so each fault has its own code;
    # the length here only bounds what is read.
    thresholds_percent: list[int] = Field(
        default=list(DEFAULT_THRESHOLDS),
        max_length=100,
        description="Warning thresholds in percent of a budget: 1..100, ascending, at most 5.",
    )


class BudgetPolicyRead(BaseModel):
    """A county's budget policy (the default when it has set none)."""

    county_code: str
    mode: BudgetMode
    mode_zh: str
    thresholds_percent: list[int]


class BudgetDecision(BaseModel):
    """The county's decision on a statement held for its budget."""

    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(description="true: confirmed past the budget; false: back to draft.")
    note_zh: str | None = Field(
        default=None, min_length=1, max_length=200, description="Why (required to refuse)."
    )
