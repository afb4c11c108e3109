"""Tables of the intake database (kept in step with migrations/versions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from civic.audit.table import define_read_audit
from civic.db import make_metadata
from civic.notify import MessageTables, define_message_tables
from civic.sealing.store import define_sealing_keys

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)
#: intake's data keys, wrapped by its master key (civic.sealing, migration 0007).
sealing_key = define_sealing_keys(metadata)
#: Messages to applicants' phones (civic.notify, migration 0010): each county's channel, each
#: person's preference, every message; the secret and the address are sealed (adapters/sealing).
message_tables: MessageTables = define_message_tables(metadata, service="intake")

#: Statuses of an undecided, unwithdrawn application (see domain.status.OPEN_STATUSES).
OPEN_STATUS_SQL = (
    "status IN ('submitted', 'registered', 'surveying', 'preliminary_passed', 'preliminary_failed')"
)
#: The person's one open application: an app's application held as a possible duplicate
#: (``duplicate_of``) waits for the township and is not it (migration 0006).
OPEN_APPLICATION_SQL = f"{OPEN_STATUS_SQL} AND duplicate_of IS NULL"

# The person registry: the only place an ID number is kept; everyone else sees person_id.
# The number is sealed at rest, bound to the row, and found by its blind index
# (intake/adapters/sealing.py); the repositories seal and open it.
person = Table(
    "person",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("id_number", Text, nullable=False),
    Column("id_number_index", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("household_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

application = Table(
    "application",
    metadata,
    Column("application_id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.person_id"), nullable=False),
    Column("household_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("channel", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("special_conditions", ARRAY(Text), nullable=False),
    Column("requested_items", JSONB, nullable=False),
    Column("need_categories", ARRAY(Text), nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("applicant_name", Text, nullable=False),
    Column("applicant_phone", Text),
    Column("consent_given_at", DateTime(timezone=True)),
    Column("submitted_by", Text, nullable=False),
    Column("submitted_by_role", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("registered_by", Text),
    Column("registered_at", DateTime(timezone=True)),
    Column("discovery_id", Uuid),
    Column("survey_id", Uuid),
    Column("survey_version", Integer),
    Column("status_note_zh", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # What the township verifies before registering an app's application (domain.checks).
    Column("checks", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("duplicate_of", Uuid, ForeignKey("application.application_id")),
    # The last word on "one open application per person", even under concurrent requests.
    Index(
        "uq_application_open_person",
        "person_id",
        unique=True,
        postgresql_where=text(OPEN_APPLICATION_SQL),
    ),
    Index("ix_application_township_status", "township_code", "status", "submitted_at"),
    Index("ix_application_village_status", "village_code", "status", "submitted_at"),
    Index("ix_application_submitted_by", "submitted_by"),
)


def _application_id(**options: Any) -> Column[Any]:
    """The ``application_id`` of a row that belongs to an application."""
    return Column("application_id", Uuid, ForeignKey("application.application_id"), **options)


application_member = Table(
    "application_member",
    metadata,
    _application_id(primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("person_id", Uuid, ForeignKey("person.person_id"), nullable=False),
    Column("relation", Text, nullable=False),
    Column("name", Text, nullable=False),
)

application_step = Table(
    "application_step",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    _application_id(nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("note_zh", Text),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
)

discovery = Table(
    "discovery",
    metadata,
    Column("discovery_id", Uuid, primary_key=True),
    _application_id(nullable=False, unique=True),
    Column("reported_by", Text, nullable=False),
    Column("situation_zh", Text),
    Column("reported_at", DateTime(timezone=True), nullable=False),
)

# Read copy of settlement's catalogue: every version is kept; the one in force is chosen
# by effective_from at the time of use.
catalogue_version = Table(
    "catalogue_version",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("items", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Every status report of the city's assistance system, once per external reference
# (``case_id:status:effective_date``); the ID number is resolved to person_id (migration 0003).
city_status_report = Table(
    "city_status_report",
    metadata,
    Column("external_reference", Text, primary_key=True),
    Column("case_id", Text, nullable=False),
    Column("person_id", Uuid, ForeignKey("person.person_id"), nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("city_reason_code", Text, nullable=False),
    Column("resolved_event_id", Uuid, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# People the city system newly admitted who had no application: the monthly follow-up's list.
city_admission = Table(
    "city_admission",
    metadata,
    Column(
        "external_reference",
        Text,
        ForeignKey("city_status_report.external_reference"),
        primary_key=True,
    ),
    Column("person_id", Uuid, ForeignKey("person.person_id"), nullable=False, index=True),
    Column("category", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text),
    Column("village_code", Text),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# One follow-up per person and month: the application it opened.
follow_up = Table(
    "follow_up",
    metadata,
    Column("person_id", Uuid, ForeignKey("person.person_id"), primary_key=True),
    Column("month", Text, primary_key=True),
    _application_id(nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Go-live import (存量导入, migration 0009): a run, what became of each row (no personal
# data: row numbers, ids and codes), and the one import of each person.
import_run = Table(
    "import_run",
    metadata,
    Column("import_id", Uuid, primary_key=True),
    Column("started_by", Text, nullable=False),
    Column("file_name", Text),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

import_row = Table(
    "import_row",
    metadata,
    Column("import_id", Uuid, ForeignKey("import_run.import_id"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    Column("outcome", Text, nullable=False),
    Column("person_id", Uuid, ForeignKey("person.person_id")),
)

import_error = Table(
    "import_error",
    metadata,
    Column("import_id", Uuid, ForeignKey("import_run.import_id"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    Column("field", Text, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("message_zh", Text, nullable=False),
)

# A person is imported once, whatever file or run names them again ("unchanged").
imported_person = Table(
    "imported_person",
    metadata,
    Column("person_id", Uuid, ForeignKey("person.person_id"), primary_key=True),
    _application_id(nullable=False, unique=True),
    Column("import_id", Uuid, ForeignKey("import_run.import_id"), nullable=False, index=True),
    Column("row_number", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
