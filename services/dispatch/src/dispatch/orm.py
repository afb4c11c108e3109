"""Tables of the dispatch database (kept in step with migrations/versions/*)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from civic.audit.table import define_read_audit
from civic.db import make_metadata
from civic.sealing.store import define_sealing_keys

metadata = make_metadata()
#: Who read whose personal data (civic.audit), append-only.
read_audit = define_read_audit(metadata)

#: dispatch's data keys, wrapped by its master key (civic.sealing, migration 0006). The
#: columns they seal are named in adapters/sealing.py (SEALED_COLUMNS).
sealing_key = define_sealing_keys(metadata)


def _created() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _codes(name: str) -> Column[object]:
    return Column(name, ARRAY(Text), nullable=False, server_default=text("'{}'"))


# --- the provider registry (county-managed) and the catalogue copy ---------------------

provider = Table(
    "provider",
    metadata,
    Column("provider_id", Uuid, primary_key=True),
    Column("code", Text, nullable=False, unique=True),
    Column("name_zh", Text, nullable=False),
    Column("provider_type", Text, nullable=False),
    Column("credit_code", Text),
    Column("county_code", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("qualification_name", Text, nullable=False),
    Column("qualification_number", Text, nullable=False),
    Column("qualified_from", Date, nullable=False),
    Column("qualified_until", Date, nullable=False),
    Column("agreement_ends_on", Date),
    _codes("township_codes"),
    _codes("village_codes"),
    _codes("item_codes"),
    _codes("modes"),
    _codes("service_categories"),
    Column("contacts", Text, nullable=False),  # sealed JSON (adapters/sealing.py)
    Column("suspension_reason_code", Text),
    Column("suspension_reason_zh", Text),
    Column("suspended_from", Date),
    _created(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_provider_county_code", "county_code"),
)

catalogue_item = Table(
    "catalogue_item",
    metadata,
    Column("county_code", Text, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("item_code", Text, primary_key=True),
    Column("name_zh", Text, nullable=False),
    Column("service_category", Text, nullable=False),
    Column("unit", Text, nullable=False),
    Column("effective_from", Date, nullable=False),
)

# --- recipients as review approved them, and their contact details --------------------

recipient = Table(
    "recipient",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("household_id", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("category", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    _created(),
    # The status as review last told it (``version`` is the status version).
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("status_effective_date", Date),
    Column("status_reason_code", Text),
    Column("ended_on", Date),  # stopped or deceased from this day
    Column("expected_end", Date),  # suspended: expected to end on this day
    # Issue 20 (migration 0010): the approved services' version, the route, an emergency's
    # last day, and whether health and institutional items need a medical institution.
    Column("services_version", Integer, nullable=False, server_default=text("1")),
    Column("route", Text, nullable=False, server_default=text("'review'")),
    Column("temporary_until", Date),
    Column("medical_institution_needed", Boolean, nullable=False, server_default=text("false")),
    Index("ix_recipient_person_id", "person_id"),
)

recipient_status_change = Table(
    "recipient_status_change",
    metadata,
    Column("recipient_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("previous_status", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("reason_code", Text, nullable=False),
    Column("expected_end", Date),
    Column("new_county_code", Text),
    Column("new_township_code", Text),
    Column("new_village_code", Text),
    Column("new_category", Text),
    Column("cause_event_id", Uuid, nullable=False),
    Column("applied_at", DateTime(timezone=True)),  # none: waits for the approval
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Every column but the key and who/when is sealed (adapters/sealing.py).
recipient_contact = Table(
    "recipient_contact",
    metadata,
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), primary_key=True),
    Column("address", Text, nullable=False),
    Column("phone", Text, nullable=False),
    Column("emergency_contact", Text),
    Column("notes_zh", Text),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

contact_access = Table(
    "contact_access",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("order_id", Uuid, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("accessed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_contact_access_order_id", "order_id"),
)

# --- service orders (one approved item at one provider) --------------------------------

service_order = Table(
    "service_order",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("recipient_id", Uuid, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("household_id", Uuid, nullable=False),
    Column("display_name", Text, nullable=False),
    Column("provider_id", Uuid, ForeignKey("provider.provider_id")),
    Column("provider_code", Text),
    Column("item_code", Text, nullable=False),
    Column("service_category", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("frequency_times", Integer, nullable=False),
    Column("frequency_per", Text, nullable=False),
    Column("funding_source", Text, nullable=False),
    Column("unit", Text),
    Column("catalogue_version", Integer),
    Column("county_code", Text, nullable=False),
    Column("township_code", Text, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("respond_by", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
    Column("escalation_kind", Text),
    Column("unplaced_reason", Text),
    Column("unplaced_reason_zh", Text),  # says why when the code is too coarse (migration 0008)
    Column("replaces_order_id", Uuid),
    Column("decline_reason_code", Text),
    Column("decline_reason_zh", Text),
    Column("admission_date", Date),
    Column("paired_member_ref", Text),
    Column("assigned_by", Text),
    Column("assignment_note_zh", Text),
    Column("source_event_id", Uuid),
    _created(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("paused_from", Text),  # the status a paused order returns to
    Column("change_reason_code", Text),  # why it was last paused, resumed or cancelled
    Column("change_effective_date", Date),
    # Set when a status change paused or ended an accepted order: records of earlier days
    # still count, however late the provider's app uploads them.
    Column("active_until", Date),
    Index("ix_service_order_provider_id_status", "provider_id", "status"),
    Index("ix_service_order_referral_id", "referral_id"),
    Index("ix_service_order_township_code_status", "township_code", "status"),
    Index("ix_service_order_recipient_id", "recipient_id"),
    Index("ix_service_order_household_id", "household_id"),
    Index(
        "ix_service_order_awaiting_answer",
        "respond_by",
        postgresql_where=text("status = 'assigned' AND escalated_at IS NULL"),
    ),
)

order_change = Table(
    "order_change",
    metadata,
    Column("change_id", Uuid, primary_key=True),  # event_id of the provider's notice
    Column("order_id", Uuid, ForeignKey("service_order.order_id"), nullable=False),
    Column("order_version", Integer, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("reason_code", Text, nullable=False),
    Column("effective_date", Date, nullable=False),
    Column("cause_event_id", Uuid),
    Column("acknowledge_by", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_via", Text),
    Column("acknowledged_by", Text),
    Column("escalated_at", DateTime(timezone=True)),
    _created(),
    UniqueConstraint("order_id", "order_version", name="uq_order_change_order_id_order_version"),
    Index(
        "ix_order_change_unacknowledged",
        "acknowledge_by",
        postgresql_where=text("acknowledged_at IS NULL AND escalated_at IS NULL"),
    ),
)

# --- plans and service records ---------------------------------------------------------

service_plan = Table(
    "service_plan",
    metadata,
    Column("plan_id", Uuid, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("summary_zh", Text),  # sealed
    Column("submitted_by", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Agreement (issue 20, migration 0010): proposed, agreed or returned, and by whom.
    Column("state", Text, nullable=False, server_default=text("'proposed'")),
    Column("recipient_id", Uuid),
    Column("county_code", Text),
    Column("township_code", Text),
    Column("decided_by", Text),
    Column("return_reason_zh", Text),
    Column("decision_level", Text, nullable=False, server_default=text("'township'")),
    Column("decided_at", DateTime(timezone=True)),
    Index("ix_service_plan_township_state", "township_code", "state"),
)

plan_item = Table(
    "plan_item",
    metadata,
    Column("plan_id", Uuid, ForeignKey("service_plan.plan_id"), primary_key=True),
    Column("order_id", Uuid, ForeignKey("service_order.order_id"), primary_key=True),
    Column("item_code", Text, primary_key=True),
    Column("frequency_times", Integer, nullable=False),
    Column("frequency_per", Text, nullable=False),
    Index("ix_plan_item_order_id", "order_id"),
)

service_record = Table(
    "service_record",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("order_id", Uuid, nullable=False),
    Column("provider_code", Text, nullable=False),
    Column("worker_ref", Text, nullable=False),
    Column("item_code", Text, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("service_date", Date, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=False),
    Column("recipient_confirmed", Boolean, nullable=False),
    Column("confirmation_ref", Text),
    Column("location", Text),  # sealed
    Column("evidence_document_ids", ARRAY(Uuid), nullable=False, server_default=text("'{}'")),
    Column("outcome", Text, nullable=False),
    Column("check_code", Text),
    Column("received_via", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("flag", Text),  # accepted but flagged (plan_unagreed), migration 0010
    Index("ix_service_record_order_id", "order_id"),
    Index("ix_service_record_flag", "flag", postgresql_where=text("flag IS NOT NULL")),
    Index("ix_service_record_worker", "provider_code", "worker_ref", "started_at"),
)

# --- neighbour mutual aid (邻里互助) ----------------------------------------------------

neighbour_helper = Table(
    "neighbour_helper",
    metadata,
    Column("helper_id", Uuid, primary_key=True),
    Column("village_code", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    Column("phone", Text, nullable=False),  # sealed
    Column("channel", Text, nullable=False),
    Column("trained_on", Date, nullable=False),
    Column("training_org_zh", Text),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _created(),
    UniqueConstraint("village_code", "user_id", name="uq_neighbour_helper_village_user"),
)

neighbour_service = Table(
    "neighbour_service",
    metadata,
    Column("record_id", Uuid, primary_key=True),
    Column("helper_id", Uuid, ForeignKey("neighbour_helper.helper_id"), nullable=False),
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), nullable=False),
    Column("village_code", Text, nullable=False),
    Column("service_date", Date, nullable=False),
    Column("count", Integer, nullable=False),
    Column("content_zh", Text, nullable=False),  # sealed
    Column("item_code", Text),
    Column("recorded_by", Text, nullable=False),
    _created(),
    Index("ix_neighbour_service_village_code_service_date", "village_code", "service_date"),
)

# --- the love doorbell (爱心门铃) -------------------------------------------------------

doorbell = Table(
    "doorbell",
    metadata,
    Column("device_id", Text, primary_key=True),
    Column("recipient_id", Uuid, ForeignKey("recipient.recipient_id"), nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("helper_ids", ARRAY(Uuid), nullable=False),
    Column("coordinator_user_id", Text, nullable=False),
    Column("coordinator_channel", Text, nullable=False),
    Column("registered_by", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _created(),
)

doorbell_alert = Table(
    "doorbell_alert",
    metadata,
    Column("alert_id", Uuid, primary_key=True),
    Column("press_id", Text, nullable=False, unique=True),
    Column("device_id", Text, ForeignKey("doorbell.device_id"), nullable=False),
    Column("person_id", Uuid, nullable=False),
    Column("village_code", Text, nullable=False),
    Column("pressed_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("answer_by", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
    Column("escalation_level", Integer, nullable=False, server_default=text("0")),
    # A township's alerts, newest first (migration 0012).
    Index("ix_doorbell_alert_village_code_received_at", "village_code", "received_at"),
    Index(
        "ix_doorbell_alert_unanswered",
        "answer_by",
        postgresql_where=text("acknowledged_at IS NULL AND escalated_at IS NULL"),
    ),
)

alert_notice = Table(
    "alert_notice",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("alert_id", Uuid, ForeignKey("doorbell_alert.alert_id"), nullable=False),
    Column("user_id", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    _created(),
    Index("ix_alert_notice_alert_id", "alert_id"),
)

alert_ack = Table(
    "alert_ack",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("alert_id", Uuid, ForeignKey("doorbell_alert.alert_id"), nullable=False),
    Column("user_id", Text, nullable=False),
    Column("acknowledged_at", DateTime(timezone=True), nullable=False),
    Column("seconds_to_acknowledge", Integer, nullable=False),
    Index("ix_alert_ack_alert_id", "alert_id"),
)

township_duty = Table(
    "township_duty",
    metadata,
    Column("township_code", Text, primary_key=True),
    Column("user_id", Text, primary_key=True),
    Column("channel", Text, nullable=False),
    _created(),
)


# --- the providers' worker registers and their evaluations (issue 19, migration 0008) ----

#: Each provider's own staff register (服务人员名册): no phone or ID number, a display name.
provider_worker = Table(
    "provider_worker",
    metadata,
    Column("provider_id", Uuid, ForeignKey("provider.provider_id"), primary_key=True),
    Column("worker_ref", Text, primary_key=True),  # the provider's own reference
    Column("name_zh", Text, nullable=False),
    Column("qualification_name", Text),
    Column("qualification_number", Text),
    Column("qualified_until", Date),
    # [{"name_zh": ..., "categories": [ServiceCategory, ...], "completed_on": "YYYY-MM-DD"}]
    Column("trainings", JSONB, nullable=False, server_default=text("'[]'")),
    Column("evaluated_on", Date),
    Column("active", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    _created(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Settlement's evaluations (ProviderEvaluated), one per provider and period.
provider_evaluation = Table(
    "provider_evaluation",
    metadata,
    Column("provider_id", Uuid, primary_key=True),
    Column("period", Text, primary_key=True),  # YYYY-MM or YYYY
    Column("provider_code", Text, nullable=False),
    Column("county_code", Text, nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("score", Integer, nullable=False),
    Column("referral_threshold", Integer, nullable=False),
    Column("records_billed", Integer, nullable=False),
    Column("records_reversed", Integer, nullable=False),
    Column("complaints_substantiated", Integer, nullable=False),
    Column("checks_failed", Integer, nullable=False),
    Column("evaluated_at", DateTime(timezone=True), nullable=False),
)
