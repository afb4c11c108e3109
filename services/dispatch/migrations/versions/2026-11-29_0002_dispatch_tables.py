"""Dispatch's tables: providers, catalogue copy, recipients, orders, plans, records,
neighbour aid and the love doorbell.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "township_duty",
    "alert_ack",
    "alert_notice",
    "doorbell_alert",
    "doorbell",
    "neighbour_service",
    "neighbour_helper",
    "service_record",
    "plan_item",
    "service_plan",
    "service_order",
    "contact_access",
    "recipient_contact",
    "recipient",
    "catalogue_item",
    "provider",
)


def upgrade() -> None:
    op.create_table(
        "catalogue_item",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(
            "county_code", "version", "item_code", name=op.f("pk_catalogue_item")
        ),
    )
    op.create_table(
        "contact_access",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column(
            "accessed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_access")),
    )
    op.create_index("ix_contact_access_order_id", "contact_access", ["order_id"], unique=False)
    op.create_table(
        "neighbour_helper",
        sa.Column("helper_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("training_org_zh", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("helper_id", name=op.f("pk_neighbour_helper")),
        sa.UniqueConstraint("village_code", "user_id", name="uq_neighbour_helper_village_user"),
    )
    op.create_table(
        "provider",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("provider_type", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=True),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("qualification_name", sa.Text(), nullable=False),
        sa.Column("qualification_number", sa.Text(), nullable=False),
        sa.Column("qualified_from", sa.Date(), nullable=False),
        sa.Column("qualified_until", sa.Date(), nullable=False),
        sa.Column("agreement_ends_on", sa.Date(), nullable=True),
        sa.Column(
            "township_codes",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "village_codes",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "item_codes",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "modes", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False
        ),
        sa.Column(
            "service_categories",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "contacts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("suspension_reason_code", sa.Text(), nullable=True),
        sa.Column("suspension_reason_zh", sa.Text(), nullable=True),
        sa.Column("suspended_from", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_provider")),
        sa.UniqueConstraint("code", name=op.f("uq_provider_code")),
    )
    op.create_index("ix_provider_county_code", "provider", ["county_code"], unique=False)
    op.create_table(
        "recipient",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("recipient_id", name=op.f("pk_recipient")),
    )
    op.create_index("ix_recipient_person_id", "recipient", ["person_id"], unique=False)
    op.create_table(
        "service_plan",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("summary_zh", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.Text(), nullable=False),
        sa.Column(
            "submitted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_service_plan")),
    )
    op.create_table(
        "service_record",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("worker_ref", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_confirmed", sa.Boolean(), nullable=False),
        sa.Column("confirmation_ref", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column(
            "evidence_document_ids",
            postgresql.ARRAY(sa.Uuid()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("check_code", sa.Text(), nullable=True),
        sa.Column("received_via", sa.Text(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_service_record")),
    )
    op.create_index("ix_service_record_order_id", "service_record", ["order_id"], unique=False)
    op.create_index(
        "ix_service_record_worker",
        "service_record",
        ["provider_code", "worker_ref", "started_at"],
        unique=False,
    )
    op.create_table(
        "township_duty",
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("township_code", "user_id", name=op.f("pk_township_duty")),
    )
    op.create_table(
        "doorbell",
        sa.Column("device_id", sa.Text(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("helper_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("coordinator_user_id", sa.Text(), nullable=False),
        sa.Column("coordinator_channel", sa.Text(), nullable=False),
        sa.Column("registered_by", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name=op.f("fk_doorbell_recipient_id_recipient"),
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_doorbell")),
    )
    op.create_table(
        "neighbour_service",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("helper_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("content_zh", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["helper_id"],
            ["neighbour_helper.helper_id"],
            name=op.f("fk_neighbour_service_helper_id_neighbour_helper"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name=op.f("fk_neighbour_service_recipient_id_recipient"),
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_neighbour_service")),
    )
    op.create_index(
        "ix_neighbour_service_village_code_service_date",
        "neighbour_service",
        ["village_code", "service_date"],
        unique=False,
    )
    op.create_table(
        "recipient_contact",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("emergency_contact", sa.Text(), nullable=True),
        sa.Column("notes_zh", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name=op.f("fk_recipient_contact_recipient_id_recipient"),
        ),
        sa.PrimaryKeyConstraint("recipient_id", name=op.f("pk_recipient_contact")),
    )
    op.create_table(
        "service_order",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("provider_code", sa.Text(), nullable=True),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("frequency_times", sa.Integer(), nullable=False),
        sa.Column("frequency_per", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("catalogue_version", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_kind", sa.Text(), nullable=True),
        sa.Column("unplaced_reason", sa.Text(), nullable=True),
        sa.Column("replaces_order_id", sa.Uuid(), nullable=True),
        sa.Column("decline_reason_code", sa.Text(), nullable=True),
        sa.Column("decline_reason_zh", sa.Text(), nullable=True),
        sa.Column("admission_date", sa.Date(), nullable=True),
        sa.Column("paired_member_ref", sa.Text(), nullable=True),
        sa.Column("assigned_by", sa.Text(), nullable=True),
        sa.Column("assignment_note_zh", sa.Text(), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["provider.provider_id"],
            name=op.f("fk_service_order_provider_id_provider"),
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_service_order")),
    )
    op.create_index(
        "ix_service_order_awaiting_answer",
        "service_order",
        ["respond_by"],
        unique=False,
        postgresql_where=sa.text("status = 'assigned' AND escalated_at IS NULL"),
    )
    op.create_index(
        "ix_service_order_household_id", "service_order", ["household_id"], unique=False
    )
    op.create_index(
        "ix_service_order_provider_id_status",
        "service_order",
        ["provider_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_service_order_recipient_id", "service_order", ["recipient_id"], unique=False
    )
    op.create_index("ix_service_order_referral_id", "service_order", ["referral_id"], unique=False)
    op.create_index(
        "ix_service_order_township_code_status",
        "service_order",
        ["township_code", "status"],
        unique=False,
    )
    op.create_table(
        "doorbell_alert",
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("press_id", sa.Text(), nullable=False),
        sa.Column("device_id", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("pressed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_level", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["doorbell.device_id"], name=op.f("fk_doorbell_alert_device_id_doorbell")
        ),
        sa.PrimaryKeyConstraint("alert_id", name=op.f("pk_doorbell_alert")),
        sa.UniqueConstraint("press_id", name=op.f("uq_doorbell_alert_press_id")),
    )
    op.create_index(
        "ix_doorbell_alert_unanswered",
        "doorbell_alert",
        ["answer_by"],
        unique=False,
        postgresql_where=sa.text("acknowledged_at IS NULL AND escalated_at IS NULL"),
    )
    op.create_table(
        "plan_item",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("frequency_times", sa.Integer(), nullable=False),
        sa.Column("frequency_per", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["service_order.order_id"],
            name=op.f("fk_plan_item_order_id_service_order"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["service_plan.plan_id"], name=op.f("fk_plan_item_plan_id_service_plan")
        ),
        sa.PrimaryKeyConstraint("plan_id", "order_id", "item_code", name=op.f("pk_plan_item")),
    )
    op.create_index("ix_plan_item_order_id", "plan_item", ["order_id"], unique=False)
    op.create_table(
        "alert_ack",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds_to_acknowledge", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["doorbell_alert.alert_id"],
            name=op.f("fk_alert_ack_alert_id_doorbell_alert"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_ack")),
    )
    op.create_index("ix_alert_ack_alert_id", "alert_ack", ["alert_id"], unique=False)
    op.create_table(
        "alert_notice",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["doorbell_alert.alert_id"],
            name=op.f("fk_alert_notice_alert_id_doorbell_alert"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_notice")),
    )
    op.create_index("ix_alert_notice_alert_id", "alert_notice", ["alert_id"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
