"""Statements shaped for answers: the domain's statement and totals as response models."""

from __future__ import annotations

from dataclasses import asdict

from settlement.domain.statements import Statement, StatementDetails, StatementStatus
from settlement.schemas import ItemTotal, SourceTotal, StatementRead


def statement_summary(statement: Statement) -> StatementRead:
    """A statement without its totals (for lists)."""
    return StatementRead.model_validate(
        {**asdict(statement), "status_zh": StatementStatus(statement.status).label_zh}
    )


def statement_read(shown: StatementDetails) -> StatementRead:
    """A statement with its totals and whether they equal the ledger's recomputation."""
    answer = statement_summary(shown.statement)
    answer.by_item = [ItemTotal.model_validate(asdict(total)) for total in shown.by_item]
    answer.by_funding_source = [
        SourceTotal.model_validate(asdict(total)) for total in shown.by_funding_source
    ]
    answer.ledger_total_fen = shown.ledger.total_fen
    answer.consistent = shown.consistent
    return answer
