"""What each fund may pay for (restricted funds), versioned per county."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, DateTime, Index, Integer, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

from settlement.orm.base import created_at, metadata

# A county's fund rules, one row per version (never rewritten). ``funds`` is the version's
# whole list, [{funding_source, recipient_categories, special_conditions, service_categories,
# modes, purchaser_levels, fallback_funding_source}]: billing reads every version of a batch's
# counties in one query.
fund_rule_version = Table(
    "fund_rule_version",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("funds", JSONB, nullable=False),
    Column("published_by", Text, nullable=False),
    created_at("published_at"),
    CheckConstraint("version >= 1", name="version_positive"),
)

# Why a record is held by the fund rules (专款专用), as billing last judged it: the fund asked
# and the Chinese reason. A record no longer held keeps its row; the record's own reason says.
fund_hold = Table(
    "fund_hold",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("why_zh", Text, nullable=False),
    Column("held_at", DateTime(timezone=True), nullable=False),
    Index("ix_fund_hold_county_township", "county_code", "township_code"),
)

# The county's decision on a held record, once: the fund to pay it from, or unpaid for good.
fund_hold_resolution = Table(
    "fund_hold_resolution",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("decision", Text, nullable=False),
    Column("funding_source", Text),
    Column("note_zh", Text, nullable=False),
    Column("decided_by", Text, nullable=False),
    created_at("decided_at"),
    CheckConstraint("decision IN ('assign', 'refuse')", name="decision_known"),
    CheckConstraint("decision = 'refuse' OR funding_source IS NOT NULL", name="assign_names_fund"),
)
