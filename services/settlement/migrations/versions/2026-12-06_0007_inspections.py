"""settlement: inspections at three levels and their findings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("supervision_level", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("disallowed_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("checked_by", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("inspection_id", name=op.f("pk_inspection")),
    )
    op.create_index("ix_inspection_county_checked_on", "inspection", ["county_code", "checked_on"])
    op.create_index(
        "ix_inspection_village_checked_on", "inspection", ["village_code", "checked_on"]
    )
    op.create_index("ix_inspection_provider_id", "inspection", ["provider_id"])
    op.create_index("ix_inspection_record_id", "inspection", ["record_id"])
    op.create_table(
        "complaint_outcome",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("county_code", sa.Text(), nullable=True),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("substantiated", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complaint_outcome")),
    )
    op.create_index("ix_complaint_outcome_record_id", "complaint_outcome", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_outcome_record_id", table_name="complaint_outcome")
    op.drop_table("complaint_outcome")
    op.drop_index("ix_inspection_record_id", table_name="inspection")
    op.drop_index("ix_inspection_provider_id", table_name="inspection")
    op.drop_index("ix_inspection_village_checked_on", table_name="inspection")
    op.drop_index("ix_inspection_county_checked_on", table_name="inspection")
    op.drop_table("inspection")
