"""settlement: the counties' scoring rules and the evaluations they gave.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WEIGHTS = ("delivery", "timeliness", "checks", "complaints", "acknowledgement", "refusals")


def upgrade() -> None:
    op.create_table(
        "evaluation_rule",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *(sa.Column(f"w_{name}", sa.Integer(), nullable=False) for name in WEIGHTS),
        sa.Column("referral_threshold", sa.Integer(), nullable=False),
        sa.Column("complaints_cap", sa.Integer(), nullable=False),
        sa.Column("accept_within_hours", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=True),
        sa.Column(
            "set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            " + ".join(f"w_{name}" for name in WEIGHTS) + " = 100",
            name=op.f("ck_evaluation_rule_weights_sum_100"),
        ),
        sa.CheckConstraint(
            "referral_threshold BETWEEN 0 AND 100",
            name=op.f("ck_evaluation_rule_threshold_in_range"),
        ),
        sa.PrimaryKeyConstraint("county_code", "version", name=op.f("pk_evaluation_rule")),
    )
    op.create_table(
        "provider_evaluation",
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 0 AND 100", name=op.f("ck_provider_evaluation_score_in_range")
        ),
        sa.PrimaryKeyConstraint("evaluation_id", name=op.f("pk_provider_evaluation")),
        sa.UniqueConstraint(
            "provider_id",
            "county_code",
            "period",
            "revision",
            name=op.f("uq_provider_evaluation_provider_id"),
        ),
    )
    op.create_index(
        "ix_provider_evaluation_county_period",
        "provider_evaluation",
        ["county_code", "period"],
    )
    op.create_table(
        "area_evaluation",
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("division_code", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('township', 'village')", name=op.f("ck_area_evaluation_kind_known")
        ),
        sa.PrimaryKeyConstraint("evaluation_id", name=op.f("pk_area_evaluation")),
        sa.UniqueConstraint(
            "kind", "division_code", "period", "revision", name=op.f("uq_area_evaluation_kind")
        ),
    )
    op.create_index(
        "ix_area_evaluation_county_period",
        "area_evaluation",
        ["county_code", "period", "kind"],
    )


def downgrade() -> None:
    op.drop_index("ix_area_evaluation_county_period", table_name="area_evaluation")
    op.drop_table("area_evaluation")
    op.drop_index("ix_provider_evaluation_county_period", table_name="provider_evaluation")
    op.drop_table("provider_evaluation")
    op.drop_table("evaluation_rule")
