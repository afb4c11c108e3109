"""Read copies (recipients, status versions, orders, providers), service records, the ledger.

The ledger is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

APPEND_ONLY_SQL = (
    """
    CREATE FUNCTION ledger_line_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger_line is append-only: post a reversing line instead'
        USING ERRCODE = 'raise_exception';
    END $$
    """,
    """
    CREATE TRIGGER ledger_line_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_line
      FOR EACH ROW EXECUTE FUNCTION ledger_line_append_only()
    """,
    """
    CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_line
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_line_append_only()
    """,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recipient",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("recipient_id", name=op.f("pk_recipient")),
    )
    op.create_table(
        "recipient_status",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("recipient_id", "version", name=op.f("pk_recipient_status")),
    )
    op.create_table(
        "provider",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("provider_type", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", name=op.f("pk_provider")),
    )
    op.create_table(
        "service_order",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("frequency_times", sa.Integer(), nullable=False),
        sa.Column("frequency_per", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("admission_date", sa.Date(), nullable=True),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_service_order")),
    )
    op.create_index(
        "ix_service_order_county_provider",
        "service_order",
        ["county_code", "provider_id"],
        unique=False,
    )
    op.create_table(
        "order_change",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("order_id", "version", name=op.f("pk_order_change")),
    )
    op.create_table(
        "service_record",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("covers_until", sa.Date(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("billing_status", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_service_record_quantity_positive")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_service_record")),
    )
    op.create_index(
        "ix_service_record_county_date",
        "service_record",
        ["county_code", "service_date"],
        unique=False,
    )
    op.create_index(
        "ix_service_record_order", "service_record", ["order_id", "covers_until"], unique=False
    )
    op.create_index(
        "ix_service_record_recipient",
        "service_record",
        ["recipient_id", "covers_until"],
        unique=False,
    )
    op.create_index(
        "ix_service_record_township_date",
        "service_record",
        ["township_code", "service_date"],
        unique=False,
    )
    op.create_table(
        "ledger_line",
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("period_kind", sa.Text(), server_default=sa.text("'monthly'"), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("service_month", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("reverses_line_id", sa.Uuid(), nullable=True),
        sa.Column("cause_event_id", sa.Uuid(), nullable=True),
        sa.Column("reason_zh", sa.Text(), nullable=True),
        sa.Column(
            "posted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            "kind = 'adjustment' OR amount_fen = quantity * unit_fee_fen",
            name=op.f("ck_ledger_line_amount_is_priced"),
        ),
        sa.CheckConstraint(
            "kind IN ('charge', 'reversal', 'adjustment')", name=op.f("ck_ledger_line_kind_known")
        ),
        sa.CheckConstraint("unit_fee_fen >= 0", name=op.f("ck_ledger_line_fee_not_negative")),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_ledger_line")),
        sa.UniqueConstraint(
            "record_id", "source_id", "kind", name=op.f("uq_ledger_line_record_id")
        ),
    )
    op.create_index(
        "ix_ledger_line_statement",
        "ledger_line",
        ["period", "township_code", "provider_id"],
        unique=False,
    )
    for sql in APPEND_ONLY_SQL:
        op.execute(sql)


def downgrade() -> None:
    op.execute("DROP TRIGGER ledger_line_no_truncate ON ledger_line")
    op.execute("DROP TRIGGER ledger_line_no_update_or_delete ON ledger_line")
    op.drop_table("ledger_line")
    op.drop_table("service_record")
    op.drop_table("order_change")
    op.drop_table("service_order")
    op.drop_table("provider")
    op.drop_table("recipient_status")
    op.drop_table("recipient")
    op.execute("DROP FUNCTION ledger_line_append_only()")
