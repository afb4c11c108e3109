"""dispatch: the providers' worker registers and their latest evaluations (referral reads them).

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


def upgrade() -> None:
    op.add_column("service_order", sa.Column("unplaced_reason_zh", sa.Text()))
    op.create_table(
        "provider_worker",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("worker_ref", sa.Text(), nullable=False),
        sa.Column("name_zh", sa.Text(), nullable=False),
        sa.Column("qualification_name", sa.Text()),
        sa.Column("qualification_number", sa.Text()),
        sa.Column("qualified_until", sa.Date()),
        sa.Column(
            "trainings",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
        sa.Column("evaluated_on", sa.Date()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["provider.provider_id"],
            name=op.f("fk_provider_worker_provider_id_provider"),
        ),
        sa.PrimaryKeyConstraint("provider_id", "worker_ref", name=op.f("pk_provider_worker")),
    )
    op.create_table(
        "provider_evaluation",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("referral_threshold", sa.Integer(), nullable=False),
        sa.Column("records_billed", sa.Integer(), nullable=False),
        sa.Column("records_reversed", sa.Integer(), nullable=False),
        sa.Column("complaints_substantiated", sa.Integer(), nullable=False),
        sa.Column("checks_failed", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "period", name=op.f("pk_provider_evaluation")),
    )


def downgrade() -> None:
    op.drop_table("provider_evaluation")
    op.drop_table("provider_worker")
    op.drop_column("service_order", "unplaced_reason_zh")
