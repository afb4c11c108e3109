"""Tables of the archive database."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from civic.audit.table import define_read_audit
from civic.db import make_metadata
from civic.sealing.store import define_sealing_keys

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)
#: archive's data keys, wrapped by its master key (civic.sealing, migration 0005).
sealing_key = define_sealing_keys(metadata)

# Columns marked "sealed" hold civic.sealing ciphertext bound to their row (Text), never the
# value itself (archive/adapters/sealing.py); the repositories seal and open them.

#: Last service number issued per county and approval year; the row lock serialises issuing.
service_number_counter = Table(
    "service_number_counter",
    metadata,
    Column("county_code", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_value", Integer, nullable=False),
    PrimaryKeyConstraint("county_code", "year", name="pk_service_number_counter"),
)

#: One person, one file (一人一档): the current state folded from the person's events.
archive_file = Table(
    "archive_file",
    metadata,
    Column("file_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, unique=True),
    Column("recipient_id", Uuid, nullable=False),
    Column("application_id", Uuid, nullable=False),
    Column("household_id", Uuid, nullable=False),
    Column("service_number", Text, nullable=False, unique=True),
    Column("issue_county_code", Text, nullable=False),
    Column("issue_year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False, index=True),
    Column("previous_village_code", Text, index=True),
    Column("moved_on", Date),
    Column("display_name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("special_conditions", Text, nullable=False),  # sealed JSON list
    Column("self_care_level", Text),  # sealed
    Column("need_categories", JSONB, nullable=False),
    Column("approved_items", JSONB, nullable=False),
    Column("approved_on", Date, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("status", Text, nullable=False),
    Column("status_version", Integer, nullable=False),
    Column("status_effective_date", Date, nullable=False),
    Column("previous_status", Text),  # before the last change, until that change takes effect
    Column("served_since", Date, nullable=False),
    # How the person became a recipient, and emergency care's last day until confirmed.
    Column("route", Text, nullable=False, server_default="review"),
    Column("temporary_until", Date),
    # The approved items are the latest change's; the items before it are shown until it
    # takes effect (services_effective_date).
    Column("services_version", Integer, nullable=False, server_default="1"),
    Column("services_effective_date", Date),
    Column("previous_items", JSONB),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint(
        "issue_county_code", "issue_year", "sequence", name="uq_archive_file_issue_sequence"
    ),
)

#: Append-only: every event about a person, so a file can be rebuilt and audited.
file_history = Table(
    "file_history",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("topic", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("summary", Text, nullable=False),  # sealed
    Column("data", Text, nullable=False),  # sealed: the event as JSON
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_file_history_person_occurred", "person_id", "occurred_at"),
)

#: Service orders of a person (one approved item at one provider), latest version.
file_order = Table(
    "file_order",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("recipient_id", Uuid),
    Column("provider_id", Uuid),
    Column("provider_code", Text),
    Column("item_code", Text),
    Column("service_category", Text),
    Column("mode", Text),
    Column("funding_source", Text),
    Column("unit", Text),
    Column("frequency_times", Integer),
    Column("frequency_per", Text),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("state", Text, nullable=False),
    Column("state_since", Date),
    Column("version", Integer, nullable=False),
)

#: Service records (validated or refused) of a person: the 接受救助服务情况表 and ledgers.
service_record = Table(
    "service_record",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("order_id", Uuid, nullable=False),
    Column("provider_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("item_code", Text),
    Column("service_category", Text),
    Column("mode", Text),
    Column("unit", Text),
    Column("quantity", Integer),
    Column("service_date", Date),
    Column("village_code", Text),
    Column("reason_code", Text),
    Index("ix_service_record_village_date", "village_code", "service_date"),
)

#: Provider names for boards and ledgers (from dispatch's registry events).
provider_ref = Table(
    "provider_ref",
    metadata,
    Column("provider_id", Uuid, primary_key=True),
    Column("provider_code", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("provider_type", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

#: Item names of each county's catalogue (from settlement's catalogue events).
catalogue_item = Table(
    "catalogue_item",
    metadata,
    Column("county_code", Text, nullable=False),
    Column("item_code", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    # Which of the four service categories (boards leave health items out: domain.publicity).
    Column("service_category", Text),
    Column("version", Integer, nullable=False),
    PrimaryKeyConstraint("county_code", "item_code", name="pk_catalogue_item"),
)

#: Uploaded documents of a file; the content is kept in the database, sealed.
file_document = Table(
    "file_document",
    metadata,
    Column("document_id", Uuid, primary_key=True),
    Column("file_id", Uuid, ForeignKey("archive_file.file_id"), nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("filename", Text, nullable=False),  # sealed
    Column("content_type", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("content", Text, nullable=False),  # sealed bytes
    Column("uploaded_by", Text, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Who read or changed which personal documents, and when (append-only).
access_log = Table(
    "access_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("user_id", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("file_id", Uuid, nullable=False, index=True),
    Column("document_id", Uuid),
    Column("trace_id", Text),
)

#: The current version of each village's board; its row lock serialises refreshes.
board_head = Table(
    "board_head",
    metadata,
    Column("village_code", Text, primary_key=True),
    Column("current_version", Integer, nullable=False),
)

#: Every version a village board has shown, from valid_from until the next version.
board_version = Table(
    "board_version",
    metadata,
    Column("village_code", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("period", Text, nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("content", JSONB, nullable=False),
    Column("content_sha256", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("cause_event_id", Uuid),
    PrimaryKeyConstraint("village_code", "version", name="pk_board_version"),
    Index("ix_board_version_village_valid_from", "village_code", "valid_from"),
)

# The dashboards' read model (issue 22) declares its tables on this metadata.
from archive import orm_dashboards as orm_dashboards  # noqa: E402
