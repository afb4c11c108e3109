"""Performance evaluation (绩效评价): a county's versioned scoring rule and the score it gives.

A provider's month (or year) is judged on six criteria. Each criterion gives a share between
0 and 1 from the provider's figures (``domain.performance.ProviderScore``); the county's rule
weighs them (integer weights summing to 100) and the score is the weighted mean, out of 100.

A criterion whose figure settlement does not have, or whose base is empty (no check made, no
order answered), is left out and the remaining weights are renormalised: the provider is
neither rewarded nor punished for what nobody measured. Acknowledgement of status changes is
always left out today: acknowledgements are dispatch's and do not reach settlement.

The default rule (version 1) applies to a county that never configured one:

* delivery 30 — the seed's first duty: the services ordered are the services delivered;
* checks 25 — spot checks (at least 30% a year, per the seed) and inspections are the
  county's own evidence of what was really done;
* complaints 15 — the city hotline's complaints, counted only when found true;
* timeliness 10, refusals 10 — a referral answered late or refused leaves a person waiting;
* acknowledgement 10 — step 9 asks services to change "at once" when a status changes;
* referral threshold 60 — the usual pass mark (合格) of Chinese performance grading
  (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60);
* complaints cap 5 — five substantiated complaints per 100 billed records already score 0;
* acceptance within 24 hours — one day to accept a referral.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from settlement.domain.performance import ProviderScore

#: The criteria, in the order they are shown.
CRITERIA = ("delivery", "timeliness", "checks", "complaints", "acknowledgement", "refusals")


@dataclass(frozen=True)
class Weights:
    """Integer weights of the six criteria; they sum to 100."""

    delivery: int = 30
    timeliness: int = 10
    checks: int = 25
    complaints: int = 15
    acknowledgement: int = 10
    refusals: int = 10

    def __post_init__(self) -> None:
        values = asdict(self).values()
        if any(w < 0 for w in values) or sum(values) != 100:
            raise ValueError("weights are non-negative integers summing to 100")


@dataclass(frozen=True)
class ScoringRule:
    """One version of a county's rule; ``set_by`` is None for the platform's default."""

    county_code: str
    version: int = 1
    weights: Weights = field(default_factory=Weights)
    referral_threshold: int = 60
    complaints_cap: int = 5
    accept_within_hours: int = 24
    set_by: str | None = None
    set_at: datetime | None = None

    def same_terms(self, other: ScoringRule) -> bool:
        """True when both score alike (version, author and time aside)."""
        return _terms(self) == _terms(other)

    def next(self, terms: ScoringRule, *, set_by: str) -> ScoringRule:
        """The version after this one, with ``terms``' weights, threshold and limits."""
        return ScoringRule(
            self.county_code,
            self.version + 1,
            terms.weights,
            terms.referral_threshold,
            terms.complaints_cap,
            terms.accept_within_hours,
            set_by=set_by,
        )


def _terms(rule: ScoringRule) -> tuple[Any, ...]:
    return (rule.weights, rule.referral_threshold, rule.complaints_cap, rule.accept_within_hours)


def default_rule(county_code: str) -> ScoringRule:
    """Version 1, in force until the county sets its own."""
    return ScoringRule(county_code)


def shares(figures: ProviderScore, rule: ScoringRule) -> dict[str, Fraction | None]:
    """Each criterion's share in [0, 1], or None when it cannot be measured."""
    checked = figures.checked + figures.inspected
    return {
        "delivery": _ratio(min(figures.delivered_services, figures.ordered_services),
                           figures.ordered_services),
        "timeliness": _ratio(figures.accepted_on_time, figures.accepted),
        "checks": _ratio(figures.passed + figures.inspections_passed, checked),
        "complaints": _complaints(figures, rule.complaints_cap),
        "acknowledgement": None,  # dispatch's acknowledgements do not reach settlement
        "refusals": None if not figures.orders else 1 - Fraction(figures.declined, figures.orders),
    }  # fmt: skip


def _ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole > 0 else None


def _complaints(figures: ProviderScore, cap: int) -> Fraction | None:
    """1 with no substantiated complaint, 0 at ``cap`` per 100 records billed or more."""
    found, billed = figures.complaints_substantiated, figures.records_billed
    if billed == 0:
        return None if found == 0 else Fraction(0)  # complaints with nothing billed: none paid
    per_hundred = Fraction(100 * found, billed)
    return 1 - min(per_hundred, Fraction(cap)) / cap


def score(figures: ProviderScore, rule: ScoringRule) -> int | None:
    """The score out of 100, or None when no weighted criterion can be measured.

    Exact rational arithmetic (``Fraction`` of integers, never a float) down to one rounding
    at the end, half up: 59.5 is 60, so a provider exactly on the boundary keeps referrals.
    """
    weights = asdict(rule.weights)
    measured = {k: v for k, v in shares(figures, rule).items() if v is not None and weights[k]}
    total = sum(weights[k] for k in measured)
    if total == 0:
        return None
    mean = sum(weights[k] * v for k, v in measured.items()) * 100 / total
    return round_half_up(Fraction(mean))


def round_half_up(value: Fraction) -> int:
    """The nearest integer; halves go up (value ≥ 0)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def percents(figures: ProviderScore, rule: ScoringRule) -> dict[str, int | None]:
    """Each criterion's share as a whole percentage (half up), for people to read."""
    return {
        k: None if v is None else round_half_up(v * 100) for k, v in shares(figures, rule).items()
    }


def plain(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as JSON gives them back, so a stored result compares equal to a new one."""
    loaded: dict[str, Any] = json.loads(json.dumps(figures, default=str))
    return loaded


@dataclass(frozen=True)
class ProviderEvaluation:
    """One revision of a provider's evaluation for a period."""

    provider_id: uuid.UUID
    provider_code: str
    county_code: str
    period: str
    rule_version: int
    score: int
    threshold: int
    figures: dict[str, Any]
    revision: int = 1
    computed_at: datetime | None = None
    evaluation_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def same_result(self, other: ProviderEvaluation) -> bool:
        """True when a re-run found the same rule, figures and score (no new revision)."""
        return (self.rule_version, self.score, self.threshold, self.figures) == (
            other.rule_version,
            other.score,
            other.threshold,
            other.figures,
        )

    @property
    def below_threshold(self) -> bool:
        """True when referral must pass this provider by."""
        return self.score < self.threshold


@dataclass(frozen=True)
class AreaEvaluation:
    """One revision of a township's or village's figures for a period (no score, no event)."""

    kind: str  # "township" or "village"
    division_code: str
    county_code: str
    period: str
    figures: dict[str, Any]
    revision: int = 1
    computed_at: datetime | None = None
    evaluation_id: uuid.UUID = field(default_factory=uuid.uuid4)
