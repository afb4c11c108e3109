"""Paying statements through the bank: batches, the county's bank file format, the bank's
return matched line by line, and reversals — each approved by a second person.

A statement is paid only when the bank's return says so; a line the bank failed leaves its
statement confirmed, and the next batch of the township takes it again.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.labels import ZhEnum, zh_labels
from settlement.domain.statements import StatementRuleError, check_second_person


class PaymentRuleError(StatementRuleError):
    """A payment action breaks a rule (409 by default, or 422 when ``kind`` is invalid)."""

    def __init__(
        self,
        code: str,
        message_zh: str,
        *,
        kind: str = "conflict",
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message_zh)
        self.kind = kind
        self.field = field
        self.extra = extra or {}


@zh_labels(
    {"created": "待审批", "approved": "已审批待发送", "sent": "已发送银行", "closed": "已对账"}
)
class BatchStatus(ZhEnum):
    """Where a payment batch stands."""

    CREATED = "created"
    APPROVED = "approved"
    SENT = "sent"
    CLOSED = "closed"


@zh_labels({"pending": "待发送", "sent": "已发送", "paid": "银行已支付", "failed": "银行支付失败"})
class LineStatus(ZhEnum):
    """Where one line of a batch stands; pending and sent lines keep their statement."""

    PENDING = "pending"
    SENT = "sent"
    PAID = "paid"
    FAILED = "failed"


#: Lines still waiting for the bank: their statement is in no other batch meanwhile.
OPEN_LINES = (LineStatus.PENDING.value, LineStatus.SENT.value)


def line_ref(batch_no: int, line_no: int) -> str:
    """The short reference a line is sent under and matched back by (e.g. ``B12-3``)."""
    return f"B{batch_no}-{line_no}"


@dataclass(frozen=True)
class BatchLine:
    """One statement in a batch, as the bank file and the return know it."""

    batch_id: uuid.UUID
    line_no: int
    line_ref: str
    statement_id: uuid.UUID
    provider_id: uuid.UUID
    provider_code: str
    amount_fen: int
    status: str
    bank_serial: str | None = None
    bank_reason: str | None = None
    paid_on: date | None = None


@dataclass(frozen=True)
class ReturnRow:
    """One row of the bank's return file, as read."""

    row_no: int
    line_ref: str
    paid: bool
    bank_serial: str | None = None
    reason: str | None = None
    paid_on: date | None = None
    amount_fen: int | None = None
    values: dict[str, str] = field(default_factory=dict)


@zh_labels(
    {
        "paid": "支付成功",
        "failed": "支付失败，下批重发",
        "unchanged": "已导入过，未变化",
        "flagged": "异常待处理",
    }
)
class RowOutcome(ZhEnum):
    """What one return row did."""

    PAID = "paid"
    FAILED = "failed"
    UNCHANGED = "unchanged"
    FLAGGED = "flagged"


@dataclass(frozen=True)
class Match:
    """The outcome of one return row: what it does to which line, or why it is flagged."""

    row: ReturnRow
    outcome: RowOutcome
    line: BatchLine | None = None
    flag: str | None = None  # unknown_line, amount_mismatch, conflicting_result
    detail_zh: str | None = None


def match_return(lines: Iterable[BatchLine], rows: Iterable[ReturnRow]) -> list[Match]:
    """Matches each return row to its line: paid, failed, unchanged (seen before) or flagged."""
    by_ref = {line.line_ref: line for line in lines}
    return [_match(by_ref.get(row.line_ref), row) for row in rows]


def _match(line: BatchLine | None, row: ReturnRow) -> Match:
    if line is None:
        return _flag(row, None, "unknown_line", f"业务参考号“{row.line_ref}”不属于本批次")
    if row.amount_fen is not None and row.amount_fen != line.amount_fen:
        detail = f"回盘金额{row.amount_fen}分与批次金额{line.amount_fen}分不符"
        return _flag(row, line, "amount_mismatch", detail)
    status = LineStatus(line.status)
    if status is LineStatus.SENT:
        return Match(row, RowOutcome.PAID if row.paid else RowOutcome.FAILED, line)
    same = (row.paid and status is LineStatus.PAID and line.bank_serial == row.bank_serial) or (
        not row.paid and status is LineStatus.FAILED
    )
    if same:
        return Match(row, RowOutcome.UNCHANGED, line)
    detail = f"该笔已为“{status.label_zh}”，回盘结果与之不符"
    return _flag(row, line, "conflicting_result", detail)


def _flag(row: ReturnRow, line: BatchLine | None, flag: str, detail_zh: str) -> Match:
    return Match(row, RowOutcome.FLAGGED, line, flag, detail_zh)


def check_batch_approver(
    *, created_by: str, confirmers: Mapping[uuid.UUID, str | None], approver: str
) -> None:
    """Four eyes: the approver (who pays) neither made the batch nor confirmed its statements."""
    check_second_person(initiated_by=created_by, approver=approver, action_zh="审批支付批次")
    own = sorted(str(sid) for sid, who in confirmers.items() if who == approver)
    if own:
        raise PaymentRuleError(
            "four_eyes_required",
            f"结算单{'、'.join(own)}由您本人确认，支付须由另一名有权限的人员审批",
            extra={"statement_ids": own},
        )


def check_batch_status(status: BatchStatus, *allowed: BatchStatus, action_zh: str) -> None:
    """The batch is in one of the states the action needs."""
    if status not in allowed:
        raise PaymentRuleError(
            "batch_status_conflict", f"支付批次当前状态为“{status.label_zh}”，不能{action_zh}"
        )


@dataclass(frozen=True)
class PaymentBatch:
    """A township's batch of confirmed statements sent to the bank in one file."""

    batch_id: uuid.UUID
    batch_no: int
    county_code: str
    township_code: str
    status: str
    line_count: int
    total_fen: int
    created_by: str
    created_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None
    sent_by: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class PaymentException:
    """A return row staff must look at: an unknown line, a wrong amount, a conflicting result."""

    exception_id: uuid.UUID
    batch_id: uuid.UUID
    township_code: str
    row_no: int
    line_ref: str
    kind: str
    detail_zh: str
    row_values: dict[str, str]
    flagged_by: str
    flagged_at: datetime
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution_note_zh: str | None = None


@zh_labels({"open": "待处理", "resolved": "已处理", "all": "全部"})
class ExceptionState(ZhEnum):
    """Which flagged rows to list: still open, already resolved, or all of them."""

    OPEN = "open"
    RESOLVED = "resolved"
    ALL = "all"


@zh_labels({"pending": "待审批", "approved": "已审批", "all": "全部"})
class ReversalState(ZhEnum):
    """Which payment reversals to list: waiting for a second person, approved, or all."""

    PENDING = "pending"
    APPROVED = "approved"
    ALL = "all"


@dataclass(frozen=True)
class PaymentReversal:
    """A payment one officer asked to reverse and a second person approved (or will)."""

    reversal_id: uuid.UUID
    statement_id: uuid.UUID
    township_code: str
    amount_fen: int
    payment_reference: str
    paid_on: date | None
    paid_by: str | None
    reason_zh: str
    status: str
    requested_by: str
    requested_at: datetime
    approved_by: str | None = None
    approved_at: datetime | None = None


@dataclass(frozen=True)
class BatchView:
    """A batch with its lines and the return rows flagged on it."""

    batch: PaymentBatch
    lines: list[BatchLine]
    exceptions: list[PaymentException]


@dataclass(frozen=True)
class ReturnImport:
    """What importing a bank return did, row by row."""

    batch: PaymentBatch
    matches: list[Match]
    already_imported: bool

    @property
    def counts(self) -> dict[str, int]:
        """Rows per outcome (paid, failed, unchanged, flagged)."""
        found = Counter(m.outcome.value for m in self.matches)
        return {outcome.value: found[outcome.value] for outcome in RowOutcome}


@dataclass(frozen=True)
class BankAccount:
    """Where a provider is paid, as answers show it: the number masked to its last digits."""

    provider_code: str
    county_code: str
    account_last4: str
    account_name: str
    bank_name: str
    set_by: str
    set_at: datetime

    @property
    def account_no_masked(self) -> str:
        """``****1234``: enough to check against a passbook, not enough to pay into."""
        return f"****{self.account_last4}"
