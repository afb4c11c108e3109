"""Catalogue versions and items (fee standard), funding budgets, the locality's assistance total.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_version",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_catalogue_version_version_positive")),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_catalogue_version")),
        sa.UniqueConstraint(
            "county_code", "version", name=op.f("uq_catalogue_version_county_code")
        ),
    )
    op.create_table(
        "catalogue_item",
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("service_category", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.CheckConstraint("fee_fen >= 0", name=op.f("ck_catalogue_item_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_version.version_id"],
            name=op.f("fk_catalogue_item_version_id_catalogue_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("version_id", "item_code", name=op.f("pk_catalogue_item")),
    )
    op.create_table(
        "funding_budget",
        sa.Column("division_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column(
            "set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_funding_budget_budget_not_negative")),
        sa.PrimaryKeyConstraint(
            "division_code", "year", "funding_source", name=op.f("pk_funding_budget")
        ),
    )
    op.create_table(
        "assistance_fund_total",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column(
            "set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            "total_fen >= 0", name=op.f("ck_assistance_fund_total_total_not_negative")
        ),
        sa.PrimaryKeyConstraint("county_code", "year", name=op.f("pk_assistance_fund_total")),
    )


def downgrade() -> None:
    op.drop_table("assistance_fund_total")
    op.drop_table("funding_budget")
    op.drop_table("catalogue_item")
    op.drop_table("catalogue_version")
