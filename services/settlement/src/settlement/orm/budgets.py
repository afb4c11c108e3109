"""Budgets that bind: each county's policy and the warnings already reached."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY

from settlement.orm.base import created_at, fen, metadata

#: A county's policy; a county without a row refuses and warns at 80% and 95%.
budget_policy = Table(
    "budget_policy",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("mode", Text, nullable=False),
    Column("thresholds_percent", ARRAY(Integer), nullable=False),
    Column("set_by", Text, nullable=False),
    created_at("set_at"),
    CheckConstraint("mode IN ('refuse', 'hold')", name="mode_known"),
)

#: A statement held for going past a budget, and the county's decision on it (one row per hold).
budget_approval = Table(
    "budget_approval",
    metadata,
    Column("approval_id", Uuid, primary_key=True),
    Column("statement_id", Uuid, nullable=False),
    Column("division_code", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("year", Integer, nullable=False),
    fen("budget_fen"),
    fen("committed_fen"),
    fen("statement_fen"),
    Column("requested_by", Text, nullable=False),
    created_at("requested_at"),
    Column("approved", Boolean),
    Column("note_zh", Text),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    CheckConstraint("(approved IS NULL) = (decided_by IS NULL)", name="decision_complete"),
    Index("ix_budget_approval_statement_id", "statement_id"),
)

#: A threshold a fund's use reached; the key makes each warning emitted once.
budget_warning = Table(
    "budget_warning",
    metadata,
    Column("division_code", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("funding_source", Text, primary_key=True),
    Column("threshold_percent", Integer, primary_key=True),
    fen("budget_fen"),
    fen("committed_fen"),
    Column("statement_id", Uuid, nullable=False),
    created_at("reached_at"),
)
