"""Files, service numbers, history, orders, records, documents, access log, boards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_APPEND_ONLY = ("file_history", "access_log")


def _counter_and_file() -> None:
    op.create_table(
        "service_number_counter",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "year", name="pk_service_number_counter"),
    )
    op.create_table(
        "archive_file",
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("service_number", sa.Text(), nullable=False),
        sa.Column("issue_county_code", sa.Text(), nullable=False),
        sa.Column("issue_year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("previous_village_code", sa.Text(), nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("special_conditions", JSONB(), nullable=False),
        sa.Column("self_care_level", sa.Text(), nullable=True),
        sa.Column("need_categories", JSONB(), nullable=False),
        sa.Column("approved_items", JSONB(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_version", sa.Integer(), nullable=False),
        sa.Column("status_effective_date", sa.Date(), nullable=False),
        sa.Column("served_since", sa.Date(), nullable=False),
        sa.Column("updated_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("file_id", name="pk_archive_file"),
        sa.UniqueConstraint("person_id", name="uq_archive_file_person_id"),
        sa.UniqueConstraint("service_number", name="uq_archive_file_service_number"),
        sa.UniqueConstraint(
            "issue_county_code", "issue_year", "sequence", name="uq_archive_file_issue_sequence"
        ),
    )
    op.create_index("ix_archive_file_village_code", "archive_file", ["village_code"])
    op.create_index(
        "ix_archive_file_previous_village_code", "archive_file", ["previous_village_code"]
    )


def _history_orders_records() -> None:
    op.create_table(
        "file_history",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("occurred_at", _TS, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("data", JSONB(), nullable=False),
        sa.Column("recorded_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_file_history"),
    )
    op.create_index("ix_file_history_person_occurred", "file_history", ["person_id", "occurred_at"])
    op.create_table(
        "file_order",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("provider_code", sa.Text(), nullable=True),
        sa.Column("item_code", sa.Text(), nullable=True),
        sa.Column("service_category", sa.Text(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=True),
        sa.Column("funding_source", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("frequency_times", sa.Integer(), nullable=True),
        sa.Column("frequency_per", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("state_since", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name="pk_file_order"),
    )
    op.create_index("ix_file_order_person_id", "file_order", ["person_id"])
    op.create_table(
        "service_record",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=True),
        sa.Column("service_category", sa.Text(), nullable=True),
        sa.Column("mode", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("village_code", sa.Text(), nullable=True),
        sa.Column("reason_code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("record_id", name="pk_service_record"),
    )
    op.create_index("ix_service_record_person_id", "service_record", ["person_id"])
    op.create_index(
        "ix_service_record_village_date", "service_record", ["village_code", "service_date"]
    )


def _reference() -> None:
    op.create_table(
        "provider_ref",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("provider_type", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", name="pk_provider_ref"),
    )
    op.create_table(
        "catalogue_item",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "item_code", name="pk_catalogue_item"),
    )


def _documents_and_access() -> None:
    op.create_table(
        "file_document",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("uploaded_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["archive_file.file_id"], name="fk_file_document_file_id_archive_file"
        ),
        sa.PrimaryKeyConstraint("document_id", name="pk_file_document"),
    )
    op.create_index("ix_file_document_file_id", "file_document", ["file_id"])
    op.create_table(
        "access_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("at", _TS, server_default=sa.func.now(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("trace_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_file_id", "access_log", ["file_id"])


def _boards() -> None:
    op.create_table(
        "board_head",
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("village_code", name="pk_board_head"),
    )
    op.create_table(
        "board_version",
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("valid_from", _TS, nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("content", JSONB(), nullable=False),
        sa.Column("content_sha256", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("cause_event_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("village_code", "version", name="pk_board_version"),
    )
    op.create_index(
        "ix_board_version_village_valid_from", "board_version", ["village_code", "valid_from"]
    )


def _forbid_changes() -> None:
    # History and the access log are evidence: the database refuses to rewrite them.
    op.execute(
        "CREATE FUNCTION archive_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in _APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION archive_refuse_change()"
        )


def upgrade() -> None:
    _counter_and_file()
    _history_orders_records()
    _reference()
    _documents_and_access()
    _boards()
    _forbid_changes()


def downgrade() -> None:
    for table in _APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP FUNCTION archive_refuse_change()")
    for table in (
        "board_version",
        "board_head",
        "access_log",
        "file_document",
        "catalogue_item",
        "provider_ref",
        "service_record",
        "file_order",
        "file_history",
        "archive_file",
        "service_number_counter",
    ):
        op.drop_table(table)
