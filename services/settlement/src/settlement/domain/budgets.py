"""Budgets that bind: a fund's yearly budget refuses (or holds) what would go past it, and
warns at the thresholds the county sets. Pure arithmetic in integer fen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from contracts import divisions
from contracts.enums import FundingSource
from contracts.labels import ZhEnum, zh_labels
from settlement.domain.statements import StatementRuleError

#: Thresholds a county may set, in percent of a budget: at most this many, each 1..100.
MAX_THRESHOLDS = 5
DEFAULT_THRESHOLDS = (80, 95)


@zh_labels({"refuse": "超预算不予确认", "hold": "超预算报县级审批"})
class BudgetMode(ZhEnum):
    """What confirming a statement that would go past a budget does."""

    REFUSE = "refuse"
    HOLD = "hold"


class BudgetRuleError(StatementRuleError):
    """A budget rule refuses the request (answered as 422, with the figures when there are)."""

    kind = "invalid"

    def __init__(
        self,
        code: str,
        message_zh: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message_zh)
        self.field = field
        self.extra = extra or {}


@dataclass(frozen=True)
class BudgetPolicy:
    """A county's budget policy: refuse or hold, and the warning thresholds in percent."""

    county_code: str
    mode: BudgetMode = BudgetMode.REFUSE
    thresholds_percent: tuple[int, ...] = DEFAULT_THRESHOLDS


def check_thresholds(thresholds: Sequence[int]) -> tuple[int, ...]:
    """The thresholds if they are 1..100, strictly ascending (hence unique) and at most five."""
    field = "body.thresholds_percent"
    if len(thresholds) > MAX_THRESHOLDS:
        raise BudgetRuleError(
            "too_many_thresholds", f"预警比例最多设置{MAX_THRESHOLDS}个", field=field
        )
    if any(not 1 <= t <= 100 for t in thresholds):
        raise BudgetRuleError("threshold_out_of_range", "预警比例须为1至100之间的整数", field=field)
    if any(a >= b for a, b in pairwise(thresholds)):
        raise BudgetRuleError(
            "thresholds_not_ascending", "预警比例须从小到大排列且不得重复", field=field
        )
    return tuple(thresholds)


@dataclass(frozen=True)
class BudgetCheck:
    """One fund's budget of one division and year, against what a statement would add."""

    division_code: str
    funding_source: str
    year: int
    budget_fen: int
    committed_fen: int
    statement_fen: int

    @property
    def would_be_fen(self) -> int:
        """Committed with this statement confirmed."""
        return self.committed_fen + self.statement_fen

    @property
    def over_by_fen(self) -> int:
        """How far past the budget this statement would go (0 when within it)."""
        return max(0, self.would_be_fen - self.budget_fen)

    @property
    def allowed(self) -> bool:
        """True when the statement adds nothing or keeps the fund within its budget."""
        return self.statement_fen <= 0 or self.would_be_fen <= self.budget_fen

    def figures(self) -> dict[str, Any]:
        """The figures as plain data, for the problem document."""
        return {
            **asdict(self),
            "funding_source_zh": FundingSource(self.funding_source).label_zh,
            "would_be_fen": self.would_be_fen,
            "over_by_fen": self.over_by_fen,
        }

    def message_zh(self) -> str:
        """Why the statement cannot be confirmed, with the figures in fen."""
        place = divisions.full_name_zh(self.division_code) or self.division_code
        fund = FundingSource(self.funding_source).label_zh
        return (
            f"{place}{self.year}年度{fund}预算{self.budget_fen}分，已确认{self.committed_fen}分，"
            f"本结算单{self.statement_fen}分，确认后将达{self.would_be_fen}分，"
            f"超出预算{self.over_by_fen}分，不能确认"
        )


def first_breach(checks: Iterable[BudgetCheck]) -> BudgetCheck | None:
    """The first check that goes past its budget (township before county), or None."""
    return next((check for check in checks if not check.allowed), None)


def thresholds_crossed(
    thresholds: Iterable[int], *, budget_fen: int, before_fen: int, after_fen: int
) -> list[int]:
    """The thresholds t with before < t% of the budget <= after (none for a zero budget)."""
    if budget_fen <= 0:
        return []
    return [t for t in thresholds if before_fen * 100 < t * budget_fen <= after_fen * 100]


def thresholds_reached(thresholds: Iterable[int], *, budget_fen: int, used_fen: int) -> list[int]:
    """The thresholds the fund's use has reached (none for a zero budget)."""
    if budget_fen <= 0:
        return []
    return [t for t in thresholds if t * budget_fen <= used_fen * 100]


def used_percent(budget_fen: int | None, used_fen: int) -> int | None:
    """Use as a whole percent of the budget, rounded down; None without a (positive) budget."""
    if budget_fen is None or budget_fen <= 0:
        return None
    return used_fen * 100 // budget_fen


@dataclass(frozen=True)
class BudgetHold:
    """A statement held for the county's decision: the budget it would go past, and who
    tried to confirm it when."""

    check: BudgetCheck
    requested_by: str
    requested_at: datetime
