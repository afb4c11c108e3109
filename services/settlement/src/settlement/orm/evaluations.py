"""The counties' scoring rules (versioned) and the evaluations they gave (revised, never edited)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from settlement.orm.base import created_at, metadata

#: The criteria's weight columns, in the order of ``domain.evaluations.CRITERIA``.
WEIGHT_COLUMNS = (
    "w_delivery",
    "w_timeliness",
    "w_checks",
    "w_complaints",
    "w_acknowledgement",
    "w_refusals",
)

# Every version is kept: an old evaluation names the version it was scored by.
evaluation_rule = Table(
    "evaluation_rule",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    *(Column(name, Integer, nullable=False) for name in WEIGHT_COLUMNS),
    Column("referral_threshold", Integer, nullable=False),
    Column("complaints_cap", Integer, nullable=False),
    Column("accept_within_hours", Integer, nullable=False),
    Column("set_by", Text),  # none: the platform's default (version 1)
    created_at("set_at"),
    CheckConstraint(" + ".join(WEIGHT_COLUMNS) + " = 100", name="weights_sum_100"),
    CheckConstraint("referral_threshold BETWEEN 0 AND 100", name="threshold_in_range"),
)

# One row per revision: a re-run that finds something new adds a revision, never edits one.
provider_evaluation = Table(
    "provider_evaluation",
    metadata,
    Column("evaluation_id", Uuid, primary_key=True),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("score", Integer, nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("figures", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("provider_id", "county_code", "period", "revision"),
    CheckConstraint("score BETWEEN 0 AND 100", name="score_in_range"),
    Index("ix_provider_evaluation_county_period", "county_code", "period"),
)

# Townships and villages: figures only (no score, no event), revised the same way.
area_evaluation = Table(
    "area_evaluation",
    metadata,
    Column("evaluation_id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("division_code", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("period", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("figures", JSONB, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("kind", "division_code", "period", "revision"),
    CheckConstraint("kind IN ('township', 'village')", name="kind_known"),
    Index("ix_area_evaluation_county_period", "county_code", "period", "kind"),
)
