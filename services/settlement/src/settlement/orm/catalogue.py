"""Catalogue versions and items (收费标准), funding budgets and the locality's assistance total."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from settlement.orm.base import created_at, fen, metadata

catalogue_version = Table(
    "catalogue_version",
    metadata,
    Column("version_id", Uuid, primary_key=True),
    Column("county_code", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("is_example", Boolean, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("event_id", Uuid, nullable=False),
    created_at("published_at"),
    UniqueConstraint("county_code", "version"),
    CheckConstraint("version >= 1", name="version_positive"),
)

catalogue_item = Table(
    "catalogue_item",
    metadata,
    Column(
        "version_id",
        Uuid,
        ForeignKey("catalogue_version.version_id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("item_code", Text, primary_key=True),
    Column("name_zh", Text, nullable=False),
    Column("service_category", Text, nullable=False),
    Column("unit", Text, nullable=False),
    fen("fee_fen"),
    Column("is_example", Boolean, nullable=False),
    CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
)

funding_budget = Table(
    "funding_budget",
    metadata,
    Column("division_code", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("funding_source", Text, primary_key=True),
    fen("amount_fen"),
    Column("set_by", Text, nullable=False),
    created_at("set_at"),
    CheckConstraint("amount_fen >= 0", name="budget_not_negative"),
)

assistance_fund_total = Table(
    "assistance_fund_total",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    fen("total_fen"),
    Column("set_by", Text, nullable=False),
    created_at("set_at"),
    CheckConstraint("total_fen >= 0", name="total_not_negative"),
)
