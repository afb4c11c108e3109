"""The county's spot-check draws and the checks drawn (抽查)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
)

from settlement.orm.base import created_at, metadata

spot_check_draw = Table(
    "spot_check_draw",
    metadata,
    Column("draw_id", Uuid, primary_key=True),
    Column("county_code", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("seed", Text, nullable=False),
    Column("rate_bp", Integer, nullable=False),
    Column("population", Integer, nullable=False),
    Column("drawn", Integer, nullable=False),
    Column("drawn_by", Text, nullable=False),
    created_at("drawn_at"),
)

spot_check = Table(
    "spot_check",
    metadata,
    Column("spot_check_id", Uuid, primary_key=True),
    Column("draw_id", Uuid, ForeignKey("spot_check_draw.draw_id"), nullable=False),
    Column("record_id", Uuid, ForeignKey("service_record.record_id"), nullable=False, unique=True),
    Column("person_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("item_code", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("outcome", Text),
    Column("passed", Boolean),
    Column("notes", Text),
    Column("checked_by", Text),
    Column("checked_on", Date),
    Column("recorded_at", DateTime(timezone=True)),
    Index("ix_spot_check_county_year", "county_code", "year"),
)
