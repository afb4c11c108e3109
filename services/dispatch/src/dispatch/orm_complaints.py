"""Tables of complaints (投诉), on dispatch's ``metadata`` (kept in step with migration 0009).

The complainant's words, name and phone, the resolution note and every note of the
investigation are sealed at rest (adapters/sealing.py); events carry ids and codes only.
"""

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
from sqlalchemy import text as sql

from dispatch.orm import metadata

complaint = Table(
    "complaint",
    metadata,
    Column("complaint_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("order_id", Uuid),
    Column("record_id", Uuid),
    Column("provider_id", Uuid),
    Column("provider_code", Text),
    Column("worker_ref", Text),
    Column("supervision_level", Text, nullable=False),
    Column("respond_by", DateTime(timezone=True), nullable=False),
    Column("escalated_at", DateTime(timezone=True)),
    Column("overdue", Boolean, nullable=False, server_default=sql("false")),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("description_zh", Text, nullable=False),  # sealed
    Column("complainant_name", Text),  # sealed
    Column("complainant_phone", Text),  # sealed
    Column("outcome", Text),
    Column("resolved_by", Text),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_level", Text),
    Column("complainant_told_on", Date),
    Column("resolution_note_zh", Text),  # sealed
    Index("ix_complaint_village_code", "village_code"),
    Index("ix_complaint_person_id", "person_id"),
    Index(
        "ix_complaint_awaiting_township",
        "respond_by",
        postgresql_where=sql("status = 'open' AND supervision_level = 'township'"),
    ),
)

complaint_note = Table(
    "complaint_note",
    metadata,
    Column("note_id", Uuid, primary_key=True),
    Column("complaint_id", Uuid, ForeignKey("complaint.complaint_id"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("author_id", Text, nullable=False),
    Column("text_zh", Text, nullable=False),  # sealed
    Column("written_at", DateTime(timezone=True), nullable=False),
    Index("ix_complaint_note_complaint_id", "complaint_id"),
)
