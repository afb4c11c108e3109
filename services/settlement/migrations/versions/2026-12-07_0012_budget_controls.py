"""settlement: budgets that bind: the county's policy, warnings reached, holds.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _stamp(name: str) -> sa.Column[object]:
    """A timestamp filled by the database (the ORM's created_at)."""
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "budget_policy",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("thresholds_percent", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        _stamp("set_at"),
        sa.CheckConstraint("mode IN ('refuse', 'hold')", name=op.f("ck_budget_policy_mode_known")),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_budget_policy")),
    )
    op.create_table(
        "budget_approval",
        sa.Column("approval_id", sa.Uuid(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("division_code", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("committed_fen", sa.BigInteger(), nullable=False),
        sa.Column("statement_fen", sa.BigInteger(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        _stamp("requested_at"),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.Column("note_zh", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(approved IS NULL) = (decided_by IS NULL)",
            name=op.f("ck_budget_approval_decision_complete"),
        ),
        sa.PrimaryKeyConstraint("approval_id", name=op.f("pk_budget_approval")),
    )
    op.create_index("ix_budget_approval_statement_id", "budget_approval", ["statement_id"])
    op.create_table(
        "budget_warning",
        sa.Column("division_code", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("threshold_percent", sa.Integer(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("committed_fen", sa.BigInteger(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        _stamp("reached_at"),
        sa.PrimaryKeyConstraint(
            "division_code",
            "year",
            "funding_source",
            "threshold_percent",
            name=op.f("pk_budget_warning"),
        ),
    )


def downgrade() -> None:
    op.drop_table("budget_warning")
    op.drop_index("ix_budget_approval_statement_id", table_name="budget_approval")
    op.drop_table("budget_approval")
    op.drop_table("budget_policy")
