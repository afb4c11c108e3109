"""A statement's life: draft → confirmed by the township → paid when the bank says so.

A draft that would take a fund past its budget may be held for the county's approval; a
negative draft (after reversals) is carried into the provider's next period instead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from contracts.labels import ZhEnum, zh_labels
from settlement.domain.months import period_has_closed


@zh_labels(
    {
        "draft": "草稿",
        "held": "超预算待县级审批",
        "confirmed": "已确认",
        "carried": "负数结转下期",
        "paid": "已支付",
    }
)
class StatementStatus(ZhEnum):
    """Where a statement stands."""

    DRAFT = "draft"
    HELD = "held"
    CONFIRMED = "confirmed"
    CARRIED = "carried"
    PAID = "paid"


#: A statement in one of these states is closed: its month takes no more lines.
CLOSED = (
    StatementStatus.HELD.value,
    StatementStatus.CONFIRMED.value,
    StatementStatus.CARRIED.value,
    StatementStatus.PAID.value,
)
#: A statement in one of these states commits its funds (a carried one's amount is committed
#: by the next period's statement that takes it; a held one waits for the county).
COMMITTED = (StatementStatus.CONFIRMED.value, StatementStatus.PAID.value)


class StatementRuleError(ValueError):
    """A statement action breaks a rule; ``code`` names which (answered as 409)."""

    kind = "conflict"

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(message_zh)
        self.code = code
        self.message_zh = message_zh


def check_confirm(status: StatementStatus, period: str, now: datetime) -> None:
    """Only a draft whose period has ended (Asia/Shanghai) can be confirmed."""
    if status is not StatementStatus.DRAFT:
        raise StatementRuleError(
            "statement_not_draft", f"结算单当前状态为“{status.label_zh}”，不能再确认"
        )
    if not period_has_closed(period, now):
        raise StatementRuleError(
            "period_not_closed", f"{period} 尚未结束（按北京时间），不能确认结算单"
        )


def check_second_person(*, initiated_by: str, approver: str, action_zh: str) -> None:
    """Four eyes: the person who approves (pays, reverses) is not the one who initiated."""
    if initiated_by == approver:
        raise StatementRuleError(
            "four_eyes_required", f"{action_zh}须由另一名有权限的人员办理，不能由经办人本人完成"
        )


@dataclass(frozen=True)
class Statement:
    """What a provider is paid for a township and period, and where that payment stands."""

    statement_id: uuid.UUID
    county_code: str
    township_code: str
    provider_id: uuid.UUID
    provider_code: str
    period_kind: str
    period: str
    status: str
    version: int
    total_fen: int
    adjustment_fen: int
    line_count: int
    created_at: datetime
    issued_at: datetime | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    paid_on: date | None = None
    payment_reference: str | None = None
    paid_by: str | None = None


@dataclass(frozen=True)
class ItemTotal:
    """A statement's total for one item (this month's services, or adjustments apart)."""

    item_code: str
    unit: str
    is_adjustment: bool
    quantity: int
    amount_fen: int
    line_count: int


@dataclass(frozen=True)
class SourceTotal:
    """A statement's total paid from one funding source."""

    funding_source: str
    amount_fen: int
    line_count: int


@dataclass(frozen=True)
class LedgerFigures:
    """A statement's line count and totals recomputed from the ledger itself."""

    line_count: int
    total_fen: int
    adjustment_fen: int


@dataclass(frozen=True)
class StatementDetails:
    """A statement with its totals by item and by fund, beside the ledger's recomputation."""

    statement: Statement
    by_item: list[ItemTotal]
    by_funding_source: list[SourceTotal]
    ledger: LedgerFigures

    @property
    def consistent(self) -> bool:
        """True when the stored totals equal what the ledger adds up to now."""
        stored = self.statement
        return (self.ledger.line_count, self.ledger.total_fen, self.ledger.adjustment_fen) == (
            stored.line_count,
            stored.total_fen,
            stored.adjustment_fen,
        )
