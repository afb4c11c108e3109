"""settlement: what each fund may pay for (restricted funds), versioned per county.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _now(name: str) -> sa.Column[Any]:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    # Recipients kept before this revision have no category: restricted funds treat it as
    # unknown (a fund limited to some categories does not pay them; the county resolves).
    op.add_column("recipient", sa.Column("category", sa.Text(), nullable=True))
    op.add_column(
        "recipient",
        sa.Column("special_conditions", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column("recipient_status", sa.Column("new_category", sa.Text(), nullable=True))
    op.create_table(
        "fund_rule_version",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("funds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        _now("published_at"),
        sa.CheckConstraint("version >= 1", name=op.f("ck_fund_rule_version_version_positive")),
        sa.PrimaryKeyConstraint("county_code", "version", name=op.f("pk_fund_rule_version")),
    )
    op.create_table(
        "fund_hold",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=False),
        sa.Column("why_zh", sa.Text(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_fund_hold")),
    )
    op.create_index("ix_fund_hold_county_township", "fund_hold", ["county_code", "township_code"])
    op.create_table(
        "fund_hold_resolution",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("funding_source", sa.Text(), nullable=True),
        sa.Column("note_zh", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=False),
        _now("decided_at"),
        sa.CheckConstraint(
            "decision IN ('assign', 'refuse')",
            name=op.f("ck_fund_hold_resolution_decision_known"),
        ),
        sa.CheckConstraint(
            "decision = 'refuse' OR funding_source IS NOT NULL",
            name=op.f("ck_fund_hold_resolution_assign_names_fund"),
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_fund_hold_resolution")),
    )


def downgrade() -> None:
    op.drop_table("fund_hold_resolution")
    op.drop_index("ix_fund_hold_county_township", table_name="fund_hold")
    op.drop_table("fund_hold")
    op.drop_table("fund_rule_version")
    op.drop_column("recipient_status", "new_category")
    op.drop_column("recipient", "special_conditions")
    op.drop_column("recipient", "category")
