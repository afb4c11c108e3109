"""Tables of the survey database (kept in step with migrations/versions/)."""

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
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from civic.audit.table import define_read_audit
from civic.db import make_metadata, part_of
from civic.sealing.store import define_sealing_keys

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)
#: survey's data keys, wrapped by its master key (civic.sealing, migration 0004).
sealing_key = define_sealing_keys(metadata)

STATUSES = ("open", "team_assigned", "findings_submitted", "passed", "failed", "cancelled")

survey_task = Table(
    "survey_task",
    metadata,
    Column("survey_id", Uuid, primary_key=True),
    Column("application_id", Uuid, nullable=False, unique=True),
    Column("person_id", Uuid, nullable=False),
    Column("household_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("special_conditions", JSONB, nullable=False),
    Column("requested_item_codes", JSONB, nullable=False),
    Column("need_categories", JSONB, nullable=False),
    Column("household_size", Integer, nullable=False),
    Column("application_version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("village_staff_id", Text),
    Column("coordinator_id", Text),
    Column("team_assigned_by", Text),
    Column("team_assigned_at", DateTime(timezone=True)),
    Column("cancel_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
    # The database keeps the seed's rule too: the team is two different people.
    CheckConstraint("village_staff_id <> coordinator_id", name="team_two_people"),
    # Lists filter by village (or township prefix) and status, ordered by due date.
    Index("ix_survey_task_village_status_due", "village_code", "status", "due_date"),
)


survey_findings = Table(
    "survey_findings",
    metadata,
    part_of("survey_task", "survey_id"),
    Column("submission_id", Uuid, nullable=False, unique=True),
    Column("submitted_by", Text, nullable=False),
    Column("visited_at", DateTime(timezone=True), nullable=False),
    # Sealed (adapters/sealing.py): a disability grade, and the whole upload with members'
    # ID numbers, the GPS position and the notes, as one JSON text bound to the row.
    Column("self_care_level", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

preliminary_review = Table(
    "preliminary_review",
    metadata,
    part_of("survey_task", "survey_id"),
    Column("outcome", Text, nullable=False),
    # Sealed: the decision as sent, as JSON text; its notes may name health or income.
    Column("body", Text, nullable=False),
    Column("reviewed_by", JSONB, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("outcome IN ('passed', 'failed')", name="outcome_known"),
)
