"""Negative statements carried over, and closed years with their report."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from settlement.orm.base import created_at, fen, metadata

# One row per fund of a carried (negative) statement: the next open period of the same
# township and provider takes it as an adjustment. Written once, never changed.
statement_carry = Table(
    "statement_carry",
    metadata,
    Column(
        "from_statement_id",
        Uuid,
        ForeignKey("statement.statement_id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("funding_source", Text, primary_key=True),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("period_kind", Text, nullable=False),
    Column("from_period", Text, nullable=False),
    Column("into_period", Text, nullable=False),
    fen("amount_fen"),
    Column("carried_by", Text, nullable=False),
    created_at("carried_at"),
    CheckConstraint("into_period > from_period", name="carried_forward"),
    Index("ix_statement_carry_into", "into_period", "township_code", "provider_id"),
)

# A county's closed year: the year-end report as it stood when the county closed it.
year_close = Table(
    "year_close",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("report", JSONB, nullable=False),
    Column("closed_by", Text, nullable=False),
    created_at("closed_at"),
)
