"""settlement: negative statements carried over; a year's funds closed with a report.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_carry",
        sa.Column("from_statement_id", sa.Uuid(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("period_kind", sa.Text(), nullable=False),
        sa.Column("from_period", sa.Text(), nullable=False),
        sa.Column("into_period", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("carried_by", sa.Text(), nullable=False),
        sa.Column(
            "carried_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "into_period > from_period", name=op.f("ck_statement_carry_carried_forward")
        ),
        sa.ForeignKeyConstraint(
            ["from_statement_id"],
            ["statement.statement_id"],
            name=op.f("fk_statement_carry_from_statement_id_statement"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "from_statement_id", "funding_source", name=op.f("pk_statement_carry")
        ),
    )
    op.create_index(
        "ix_statement_carry_into",
        "statement_carry",
        ["into_period", "township_code", "provider_id"],
        unique=False,
    )
    op.create_table(
        "year_close",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("report", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("closed_by", sa.Text(), nullable=False),
        sa.Column(
            "closed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("county_code", "year", name=op.f("pk_year_close")),
    )


def downgrade() -> None:
    op.drop_table("year_close")
    op.drop_index("ix_statement_carry_into", table_name="statement_carry")
    op.drop_table("statement_carry")
