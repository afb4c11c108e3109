"""Statements with totals by item and funding source; spot-check draws and checks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement",
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("period_kind", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default=sa.text("'draft'"), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("adjustment_fen", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("line_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.Text(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.Text(), nullable=True),
        sa.Column("paid_by", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status <> 'paid' OR payment_reference IS NOT NULL",
            name=op.f("ck_statement_paid_has_reference"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'confirmed', 'paid')", name=op.f("ck_statement_status_known")
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statement")),
        sa.UniqueConstraint(
            "township_code",
            "provider_id",
            "period_kind",
            "period",
            name=op.f("uq_statement_township_code"),
        ),
    )
    op.create_table(
        "statement_item_total",
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("is_adjustment", sa.Boolean(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.statement_id"],
            name=op.f("fk_statement_item_total_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "statement_id",
            "item_code",
            "unit",
            "is_adjustment",
            name=op.f("pk_statement_item_total"),
        ),
    )
    op.create_table(
        "statement_source_total",
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.statement_id"],
            name=op.f("fk_statement_source_total_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "statement_id", "funding_source", name=op.f("pk_statement_source_total")
        ),
    )

    op.create_table(
        "spot_check_draw",
        sa.Column("draw_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Text(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("drawn_by", sa.Text(), nullable=False),
        sa.Column(
            "drawn_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("draw_id", name=op.f("pk_spot_check_draw")),
    )
    op.create_table(
        "spot_check",
        sa.Column("spot_check_id", sa.Uuid(), nullable=False),
        sa.Column("draw_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.Text(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draw_id"],
            ["spot_check_draw.draw_id"],
            name=op.f("fk_spot_check_draw_id_spot_check_draw"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["service_record.record_id"],
            name=op.f("fk_spot_check_record_id_service_record"),
        ),
        sa.PrimaryKeyConstraint("spot_check_id", name=op.f("pk_spot_check")),
        sa.UniqueConstraint("record_id", name=op.f("uq_spot_check_record_id")),
    )
    op.create_index(
        "ix_spot_check_county_year", "spot_check", ["county_code", "year"], unique=False
    )


def downgrade() -> None:
    op.drop_table("spot_check")
    op.drop_table("spot_check_draw")
    op.drop_table("statement_source_total")
    op.drop_table("statement_item_total")
    op.drop_table("statement")
