"""Statements per township × provider × period, with totals by item and by funding source.

A statement's lines are the ledger lines of its township, provider and period; the totals
are written by the set-based settlement run and checked against the ledger on confirmation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from settlement.orm.base import created_at, fen, metadata

statement = Table(
    "statement",
    metadata,
    Column("statement_id", Uuid, primary_key=True),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("period_kind", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'draft'")),
    Column("version", Integer, nullable=False, server_default=text("1")),
    fen("total_fen", server_default=text("0")),
    fen("adjustment_fen", server_default=text("0")),
    Column("line_count", Integer, nullable=False, server_default=text("0")),
    created_at(),
    Column("issued_at", DateTime(timezone=True)),
    Column("confirmed_by", Text),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("paid_on", Date),
    Column("payment_reference", Text),
    Column("paid_by", Text),
    UniqueConstraint("township_code", "provider_id", "period_kind", "period"),
    CheckConstraint(
        "status IN ('draft', 'held', 'confirmed', 'carried', 'paid')", name="status_known"
    ),
    CheckConstraint("status <> 'paid' OR payment_reference IS NOT NULL", name="paid_has_reference"),
)


def _of_statement() -> Column[Any]:
    """The key column of a statement's total: its statement, deleted with it."""
    return Column(
        "statement_id",
        Uuid,
        ForeignKey("statement.statement_id", ondelete="CASCADE"),
        primary_key=True,
    )


statement_item_total = Table(
    "statement_item_total",
    metadata,
    _of_statement(),
    Column("item_code", Text, primary_key=True),
    Column("unit", Text, primary_key=True),
    Column("is_adjustment", Boolean, primary_key=True),
    Column("quantity", Integer, nullable=False),
    fen("amount_fen"),
    Column("line_count", Integer, nullable=False),
)

statement_source_total = Table(
    "statement_source_total",
    metadata,
    _of_statement(),
    Column("funding_source", Text, primary_key=True),
    fen("amount_fen"),
    Column("line_count", Integer, nullable=False),
)
