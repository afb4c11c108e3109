"""Inspections at three levels (检查督查) and the outcomes of complaints about services."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, Table, Text, Uuid

from settlement.orm.base import created_at, metadata

# settlement seals no column (it holds no personal data at rest beyond ids); ``findings`` is
# the inspector's free text: it stays in this table and never reaches a topic or a log.
inspection = Table(
    "inspection",
    metadata,
    Column("inspection_id", Uuid, primary_key=True),
    Column("supervision_level", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text),
    Column("person_id", Uuid),
    Column("recipient_id", Uuid),
    Column("order_id", Uuid),
    Column("provider_id", Uuid),
    Column("record_id", Uuid),
    Column("outcome", Text, nullable=False),
    Column("findings", Text, nullable=False),
    Column("disallowed_fen", BigInteger, nullable=False, server_default="0"),
    Column("checked_by", Text, nullable=False),
    Column("checked_on", Date, nullable=False),
    created_at(),
    Index("ix_inspection_county_checked_on", "county_code", "checked_on"),
    Index("ix_inspection_village_checked_on", "village_code", "checked_on"),
    Index("ix_inspection_provider_id", "provider_id"),
    # Every batch of service records asks whether a finding took any of them out of payment.
    Index("ix_inspection_record_id", "record_id"),
)

complaint_outcome = Table(
    "complaint_outcome",
    metadata,
    Column("complaint_id", Uuid, primary_key=True),
    Column("provider_id", Uuid),
    Column("record_id", Uuid),
    Column("county_code", Text),
    Column("township_code", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("substantiated", Boolean, nullable=False),
    Column("overdue", Boolean, nullable=False),
    Column("resolved_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_complaint_outcome_record_id", "record_id"),
)
