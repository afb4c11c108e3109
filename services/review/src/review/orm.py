"""Tables of the review database.

Kept in step with ``migrations/versions``: an integration test compares this metadata with
the migrated database.
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
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from civic.audit.table import define_read_audit
from civic.db import make_metadata, part_of
from civic.sealing.store import define_sealing_keys

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)
#: review's data keys, wrapped by its master key (civic.sealing, migration 0009).
sealing_key = define_sealing_keys(metadata)

#: One application under review. The parts arrive from three topics in any order and are
#: kept as JSON, each sealed whole as text (adapters/sealing.py, migration 0009); the columns
#: beside them are what the queue filters and sorts on.
review_case = Table(
    "review_case",
    metadata,
    Column("application_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("category", Text),
    Column("county_code", Text),
    Column("township_code", Text),
    Column("village_code", Text),
    Column("preliminary_outcome", Text),
    Column("registered_at", DateTime(timezone=True)),
    Column("registration", Text),
    Column("findings", Text),
    Column("preliminary", Text),
    Column("withdrawal", Text),
    Column("decision", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_review_case_township_queue", "township_code", "status", "registered_at"),
    Index("ix_review_case_county_queue", "county_code", "status", "registered_at"),
)

#: Every catalogue version settlement published, per county; the one in force on a day is
#: the latest ``effective_from`` on or before it (the higher version on a tie).
catalogue_version = Table(
    "catalogue_version",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("items", JSONB, nullable=False),
    Column("published_by", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The recipient registry. Review owns the status: each change bumps ``status_version``
#: and adds a row to ``recipient_status_history`` (approval is version 1).
recipient = Table(
    "recipient",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("application_id", Uuid, nullable=False, unique=True),
    Column("household_id", Uuid, nullable=False),
    Column("category", Text, nullable=False),
    Column("special_conditions", ARRAY(Text), nullable=False),
    Column("self_care_level", Text),
    Column("need_categories", ARRAY(Text), nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_version", Integer, nullable=False),
    Column("status_effective_date", Date, nullable=False),
    Column("expected_end", Date),
    Column("admitted_on", Date, nullable=False),
    Column("catalogue_version", Integer),
    Column("approved_by", Text, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The approved items' version (migration 0008): 1 at approval, +1 per approved change.
    Column("services_version", Integer, nullable=False, server_default=text("1")),
    Index("ix_recipient_village_status", "village_code", "status"),
    Index("ix_recipient_township_status", "township_code", "status"),
    Index("ix_recipient_county_status", "county_code", "status"),
    # One open registry entry per person; a stopped or deceased entry stays as history.
    Index(
        "uq_recipient_open_person",
        "person_id",
        unique=True,
        postgresql_where=text("status NOT IN ('stopped', 'deceased')"),
    ),
)


#: The items approved for a recipient (one row per catalogue item).
recipient_item = Table(
    "recipient_item",
    metadata,
    part_of("recipient", "recipient_id"),
    Column("item_code", Text, primary_key=True),
    Column("service_category", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("frequency_times", Integer, nullable=False),
    Column("frequency_per", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
)

#: Every status a recipient has had, by version; the external reference makes a change
#: reported twice by the city's system (issue 7) land once. The columns after ``event_id``
#: come after it in the table too (added by migration 0003).
recipient_status_history = Table(
    "recipient_status_history",
    metadata,
    part_of("recipient", "recipient_id"),
    Column("version", Integer, primary_key=True),
    Column("status", Text, nullable=False),
    Column("previous_status", Text),
    Column("effective_date", Date, nullable=False),
    Column("expected_end", Date),
    Column("reason_code", Text),
    Column("reason_zh", Text),
    Column("source", Text, nullable=False),
    Column("decided_by", Text),
    Column("external_reference", Text, unique=True),
    Column("event_id", Uuid, nullable=False),
    # What went with the change (migration 0003): a category change, or a transfer's new place.
    Column("new_category", Text),
    Column("new_county_code", Text),
    Column("new_township_code", Text),
    Column("new_village_code", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: The needs assessment (需求认定) recorded with an approval; notes stay in review, sealed.
needs_assessment = Table(
    "needs_assessment",
    metadata,
    part_of("review_case", "application_id"),
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), nullable=False),
    Column("self_care_level", Text, nullable=False),
    Column("need_categories", ARRAY(Text), nullable=False),
    Column("notes", Text),
    Column("assessed_by", Text, nullable=False),
    Column("assessed_at", DateTime(timezone=True), nullable=False),
)

#: The city system's reports a township officer must see: a stop or death held for the
#: officer's confirmation (issue 13), a report the recipient's history refuses, a report about
#: someone who is no recipient (issue 14) — and, once decided, what became of each: confirmed,
#: rejected, applied in effective-date order, or superseded. One row per external reference;
#: ``report`` is the CityStatusResolved as received, applied through the same path as any
#: city report. ``recipient_id`` is null for a person who is no recipient (migration 0006).
city_report = Table(
    "city_report",
    metadata,
    Column("report_id", Uuid, primary_key=True),
    Column("external_reference", Text, nullable=False, unique=True),
    Column("event_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), index=True),
    Column("person_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text),
    Column("status", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("city_reason_code", Text, nullable=False),
    Column("reason_zh", Text),
    # Sealed (adapters/sealing.py): the report as JSON text, its reason and the officer's note.
    Column("report", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", Text),
    # Why a report is refused or waits (code and Chinese reason), added by migration 0006.
    Column("refusal_code", Text),
    Column("refusal_zh", Text),
    Index("ix_city_report_township_queue", "township_code", "state", "received_at"),
)

#: What a county decided for itself; a county without a row has the defaults.
county_setting = Table(
    "county_setting",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("confirm_city_stops", Boolean, nullable=False, server_default=true()),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: A proposed change to an active recipient's services (及时进行优化、增减, migration 0008):
#: what was asked (``changes``, as JSON), by whom, and the officer's decision. ``outcome`` is
#: the approved set and its diff once approved. ``note_zh`` is the light re-assessment's note;
#: it, ``reason_zh`` and ``refusal_zh`` are sealed (adapters/sealing.py).
service_change = Table(
    "service_change",
    metadata,
    Column("change_id", Uuid, primary_key=True),
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), nullable=False, index=True),
    Column("person_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("reason_code", Text, nullable=False),
    Column("reason_zh", Text),
    Column("effective_date", Date, nullable=False),
    Column("changes", JSONB, nullable=False),
    Column("self_care_level", Text),
    Column("note_zh", Text),
    Column("county_decides", Boolean, nullable=False),
    Column("requested_by", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", Text),
    Column("decided_at", DateTime(timezone=True)),
    Column("refusal_zh", Text),
    Column("services_version", Integer),
    Column("outcome", JSONB),
    Index("ix_service_change_township_queue", "township_code", "state", "requested_at"),
    Index("ix_service_change_county_queue", "county_code", "state", "requested_at"),
)

#: Emergency care (救急难, migration 0008): temporary services opened at once for a person
#: whose application review knows, ended at ``deadline_at`` unless the review confirms them.
#: ``reason_zh`` (why the person was left without care) is sealed (adapters/sealing.py).
emergency_care = Table(
    "emergency_care",
    metadata,
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), primary_key=True),
    Column("application_id", Uuid, nullable=False, unique=True),
    Column("person_id", Uuid, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("days", Integer, nullable=False),
    Column("reason_zh", Text),
    Column("medical_institution_needed", Boolean, nullable=False),
    Column("consent", JSONB),
    Column("opened_by", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("deadline_at", DateTime(timezone=True), nullable=False),
    Column("temporary_until", Date, nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("end_reason", Text),
    Column("confirmed_by", Text),
    Column("confirmed_at", DateTime(timezone=True)),
    Index("ix_emergency_care_township_queue", "township_code", "state", "opened_at"),
    Index("ix_emergency_care_due", "state", "deadline_at"),
)
