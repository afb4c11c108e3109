"""Requests and answers of restricted funds: fund rule versions, held lines, resolutions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.enums import (
    FundingSource,
    RecipientCategory,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.labels import ZhEnum
from settlement.domain.fund_rules import FundRule, FundRuleVersion, HoldDecision, PurchaserLevel


def _values(items: Iterable[ZhEnum]) -> frozenset[str]:
    return frozenset(item.value for item in items)


class FundRuleIn(BaseModel):
    """What one fund may pay for; an empty list places no limit on that dimension."""

    model_config = ConfigDict(extra="forbid")

    funding_source: FundingSource = Field(description="The fund this rule restricts.")
    recipient_categories: list[RecipientCategory] = Field(
        default_factory=list,
        max_length=20,
        description="Categories it may pay for; with recipient_conditions: either matches.",
    )
    # Named apart from a person's special_conditions: these are a rule's terms, not anyone's data.
    recipient_conditions: list[SpecialCondition] = Field(
        default_factory=list, max_length=20, description="Or any of these special conditions."
    )
    service_categories: list[ServiceCategory] = Field(default_factory=list, max_length=20)
    modes: list[ServiceMode] = Field(default_factory=list, max_length=20)
    purchaser_levels: list[PurchaserLevel] = Field(
        default_factory=list,
        max_length=5,
        description="township (today every statement) or county.",
    )
    fallback_funding_source: FundingSource | None = Field(
        default=None,
        description="Pays what this fund may not (one hop); none: held for the county.",
    )

    def to_rule(self) -> FundRule:
        """The rule as the domain judges it."""
        fallback = self.fallback_funding_source
        return FundRule(
            self.funding_source.value,
            _values(self.recipient_categories),
            _values(self.recipient_conditions),
            _values(self.service_categories),
            _values(self.modes),
            _values(self.purchaser_levels),
            None if fallback is None else fallback.value,
        )


class FundRulesSet(BaseModel):
    """A new version of the county's fund rules; a fund not listed is unrestricted."""

    model_config = ConfigDict(extra="forbid")

    effective_from: date = Field(description="First service day it judges (not in the past).")
    funds: list[FundRuleIn] = Field(max_length=20, description="The restricted funds.")


class FundRuleRead(BaseModel):
    """One fund's rule in a version."""

    funding_source: FundingSource
    label_zh: str
    recipient_categories: list[str]
    recipient_conditions: list[str]
    service_categories: list[str]
    modes: list[str]
    purchaser_levels: list[str]
    fallback_funding_source: FundingSource | None

    @classmethod
    def of(cls, rule: FundRule) -> FundRuleRead:
        """The answer for a rule (lists sorted)."""
        fund = FundingSource(rule.funding_source)
        return cls(
            funding_source=fund,
            label_zh=fund.label_zh,
            recipient_categories=sorted(rule.recipient_categories),
            recipient_conditions=sorted(rule.special_conditions),
            service_categories=sorted(rule.service_categories),
            modes=sorted(rule.modes),
            purchaser_levels=sorted(rule.purchaser_levels),
            fallback_funding_source=rule.fallback_funding_source,
        )


class FundRulesRead(BaseModel):
    """A version of a county's fund rules."""

    county_code: str
    version: int = Field(description="Version number, per county.")
    effective_from: date
    published_by: str
    published_at: datetime | None
    funds: list[FundRuleRead]

    @classmethod
    def of(cls, version: FundRuleVersion) -> FundRulesRead:
        """The answer for a version."""
        return cls(
            county_code=version.county_code,
            version=version.version,
            effective_from=version.effective_from,
            published_by=version.published_by,
            published_at=version.published_at,
            funds=[FundRuleRead.of(rule) for rule in version.rules],
        )


class HoldRead(BaseModel):
    """A service record held by the fund rules, for the county to resolve."""

    record_id: uuid.UUID
    person_id: uuid.UUID = Field(description="The person served (stable id, never the ID number).")
    recipient_id: uuid.UUID
    county_code: str
    township_code: str
    provider_code: str
    item_code: str
    service_date: date
    funding_source: FundingSource = Field(description="The fund the line was asked of.")
    reason_code: str = Field(description="Always fund_restricted.")
    reason_zh: str
    why_zh: str = Field(description="Which rule refused it, in Chinese.")


class HoldResolutionSet(BaseModel):
    """The county's decision on a held record."""

    model_config = ConfigDict(extra="forbid")

    decision: HoldDecision = Field(description="assign: pay from funding_source; refuse: never.")
    funding_source: FundingSource | None = Field(
        default=None, description="For assign: a fund the rules let pay this line."
    )
    note_zh: str = Field(min_length=1, max_length=500, description="Why (Chinese).")


class HoldResolutionRead(BaseModel):
    """Where the record stands after the county's decision."""

    record_id: uuid.UUID
    person_id: uuid.UUID
    decision: HoldDecision
    funding_source: FundingSource | None
    billing_status: str
    billing_status_zh: str
    reason_code: str | None
    reason_zh: str | None
