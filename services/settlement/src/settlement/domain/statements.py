"""A statement's life: draft → confirmed by the township → paid (with the voucher number)."""

from __future__ import annotations

from datetime import datetime

from contracts.labels import ZhEnum, zh_labels
from settlement.domain.months import period_has_closed


@zh_labels({"draft": "草稿", "confirmed": "已确认", "paid": "已支付"})
class StatementStatus(ZhEnum):
    """Where a statement stands."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    PAID = "paid"


#: A statement in one of these states is closed: its month takes no more lines.
CLOSED = (StatementStatus.CONFIRMED.value, StatementStatus.PAID.value)


class StatementRuleError(ValueError):
    """A statement action breaks a rule; ``code`` names which."""

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


def check_pay(status: StatementStatus, paid_reference: str | None, reference: str) -> bool:
    """True if the payment is new; False if this very payment was already recorded."""
    if status is StatementStatus.PAID:
        if paid_reference == reference:
            return False
        raise StatementRuleError("statement_already_paid", "该结算单已支付，不能重复支付")
    if status is not StatementStatus.CONFIRMED:
        raise StatementRuleError("statement_not_confirmed", "结算单须经乡镇(街道)确认后方可支付")
    return True
