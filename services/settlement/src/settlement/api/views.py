"""Statements shaped for answers: the domain's statement and totals as response models."""

from __future__ import annotations

from dataclasses import asdict

from settlement.adapters.printing import carried_from, carry_label_zh
from settlement.domain.budgets import BudgetHold
from settlement.domain.statements import ItemTotal as ItemFigures
from settlement.domain.statements import Statement, StatementDetails, StatementStatus
from settlement.schemas import ItemTotal, SourceTotal, StatementRead
from settlement.schemas.statements import HeldFigures


def statement_summary(statement: Statement) -> StatementRead:
    """A statement without its totals (for lists)."""
    return StatementRead.model_validate(
        {**asdict(statement), "status_zh": StatementStatus(statement.status).label_zh}
    )


def statement_read(shown: StatementDetails) -> StatementRead:
    """A statement with its totals and whether they equal the ledger's recomputation."""
    answer = statement_summary(shown.statement)
    answer.by_item = [ItemTotal.model_validate(_item(total)) for total in shown.by_item]
    answer.by_funding_source = [
        SourceTotal.model_validate(asdict(total)) for total in shown.by_funding_source
    ]
    answer.ledger_total_fen = shown.ledger.total_fen
    answer.consistent = shown.consistent
    return answer


def _item(total: ItemFigures) -> dict[str, object]:
    """An item's figures; a carry from an earlier period also names it (上期负数结转)."""
    values: dict[str, object] = asdict(total)
    period = carried_from(total.item_code)
    if period is not None:
        values |= {"carried_from": period, "label_zh": carry_label_zh(period)}
    return values


def held_figures(hold: BudgetHold) -> HeldFigures:
    """What a held statement waits on the county for, as staff read it."""
    figures = {**asdict(hold.check), "over_by_fen": hold.check.over_by_fen}
    return HeldFigures(**figures, requested_by=hold.requested_by, requested_at=hold.requested_at)
