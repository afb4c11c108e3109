"""The order of the city's reports: by the city's effective date, whatever order they arrive in.

The city system sends no sequence number, so review orders one recipient's reports by their
effective date (``effective_date``, the city's own time). A report that cannot apply to the
recipient as they stand is kept (refused) and tried again, in effective-date order, each
time another city report about the same recipient is applied: a resumption that arrived
before its suspension applies right after it. A report dated before the status in force is
superseded: recorded, never applied. A stop or death is never superseded (ending aid on an
older date than a later change is a contradiction a person must look at). Pure: no I/O.
See docs/status-change.md, "Reports that arrive out of order".
"""

from __future__ import annotations

from dataclasses import dataclass

from review.domain import status
from review.domain.case import RuleViolation, StateConflict
from review.domain.city import ENDING
from review.domain.decision import Recipient
from review.domain.status import StatusChange


@dataclass(frozen=True)
class Refusal:
    """Why a city report does not apply now; ``superseded``: it never will."""

    code: str
    message_zh: str
    superseded: bool = False

    @property
    def pair(self) -> tuple[str, str]:
        """(code, Chinese reason) as the queue keeps them."""
        return self.code, self.message_zh


def superseded_by(r: Recipient, change: StatusChange) -> Refusal | None:
    """A non-ending report dated before the status in force is superseded by it."""
    if change.status in ENDING or change.effective_date >= r.status_effective_date:
        return None
    day = f"{r.status_effective_date:%Y年%m月%d日}"
    return Refusal(
        "superseded",
        f"生效日期早于现行状态（{r.status.label_zh}，{day}起）的生效日期，已被更晚生效的变更取代",
        superseded=True,
    )


def judge(r: Recipient, change: StatusChange) -> Refusal | None:
    """None when ``change`` applies to ``r`` now; otherwise why it does not."""
    if (older := superseded_by(r, change)) is not None:
        return older
    try:
        status.change_status(r, change)
    except (StateConflict, RuleViolation) as refused:
        return Refusal(refused.code, refused.message_zh)
    return None
