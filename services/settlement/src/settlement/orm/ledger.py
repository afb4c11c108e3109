"""Every delivered service (billed or not, with its reason) and the append-only ledger."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from settlement.orm.base import created_at, fen, metadata

service_record = Table(
    "service_record",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("order_id", Uuid),  # none for a village's neighbour-aid record
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("item_code", Text, nullable=False),
    Column("service_category", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("service_date", Date, nullable=False),
    Column("covers_until", Date, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("billing_status", Text, nullable=False),
    Column("reason_code", Text),
    created_at("received_at"),
    Column("evaluated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("quantity >= 1", name="quantity_positive"),
    Index("ix_service_record_recipient", "recipient_id", "covers_until"),
    Index("ix_service_record_order", "order_id", "covers_until"),
    Index("ix_service_record_county_date", "county_code", "service_date"),
    Index("ix_service_record_township_date", "township_code", "service_date"),
)

# Append-only: a trigger (migration 0003) refuses UPDATE, DELETE and TRUNCATE. ``period`` is
# the statement month the line lands on, fixed when it is posted: its service month, or the
# next open month when that one was already confirmed (then it is an adjustment there).
# ``source_id`` names what caused the line (the record for its charge, the line a reversal
# cancels, record + cause for an adjustment); (record, source, kind) is unique, so nothing is
# billed twice even if the inbox failed, and the same index finds a record's lines. Line ids
# are time-ordered, so inserts append.
ledger_line = Table(
    "ledger_line",
    metadata,
    Column("line_id", Uuid, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("source_id", Uuid, nullable=False),
    Column("record_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("order_id", Uuid),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("period_kind", Text, nullable=False, server_default=text("'monthly'")),
    Column("period", Text, nullable=False),
    Column("service_month", Text, nullable=False),
    Column("service_date", Date),
    Column("item_code", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    fen("unit_fee_fen"),
    fen("amount_fen"),
    Column("catalogue_version", Integer, nullable=False),
    Column("reverses_line_id", Uuid),
    Column("cause_event_id", Uuid),
    Column("reason_zh", Text),
    created_at("posted_at"),
    UniqueConstraint("record_id", "source_id", "kind"),
    CheckConstraint("kind IN ('charge', 'reversal', 'adjustment')", name="kind_known"),
    CheckConstraint("unit_fee_fen >= 0", name="fee_not_negative"),
    CheckConstraint(
        "kind = 'adjustment' OR amount_fen = quantity * unit_fee_fen", name="amount_is_priced"
    ),
    Index("ix_ledger_line_statement", "period", "township_code", "provider_id"),
)
