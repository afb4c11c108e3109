"""The providers' evaluations (绩效评价) as dispatch keeps them: settlement scores, referral reads.

Settlement publishes each provider's score for a month (``YYYY-MM``) or a year (``YYYY``) with
the county's referral threshold. Dispatch keeps one evaluation per provider and period: a
later one for the same period replaces it only if it was made under a newer scoring rule, or
under the same rule later (a redelivered or older event changes nothing). Referral reads the
provider's latest monthly evaluation; a provider never evaluated is not below any threshold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Evaluation:
    """A provider's score for one period, by one version of the county's rule."""

    provider_id: uuid.UUID
    provider_code: str
    county_code: str
    period: str
    rule_version: int
    score: int
    referral_threshold: int
    records_billed: int
    records_reversed: int
    complaints_substantiated: int
    checks_failed: int
    evaluated_at: datetime

    @property
    def monthly(self) -> bool:
        """True for a month's evaluation (``YYYY-MM``), false for a year's."""
        return len(self.period) == 7

    @property
    def below_threshold(self) -> bool:
        """True when referral must pass the provider by."""
        return self.score < self.referral_threshold

    def supersedes(self, held: Evaluation | None) -> bool:
        """True if this evaluation replaces ``held`` (same provider and period, or none)."""
        if held is None:
            return True
        return (self.rule_version, self.evaluated_at) > (held.rule_version, held.evaluated_at)
