"""City reports that end services wait for a township officer; each county may turn that off.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "city_report",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("external_reference", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("city_reason_code", sa.Text(), nullable=False),
        sa.Column("reason_zh", sa.Text()),
        sa.Column("report", JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_at", TS),
        sa.Column("decision_note", sa.Text()),
        sa.PrimaryKeyConstraint("report_id", name="pk_city_report"),
        sa.UniqueConstraint("external_reference", name="uq_city_report_external_reference"),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_city_report_recipient_id_recipient",
        ),
    )
    op.create_index("ix_city_report_recipient_id", "city_report", ["recipient_id"])
    op.create_index(
        "ix_city_report_township_queue", "city_report", ["township_code", "state", "received_at"]
    )

    op.create_table(
        "county_setting",
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("confirm_city_stops", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("county_code", name="pk_county_setting"),
    )


def downgrade() -> None:
    op.drop_table("county_setting")
    op.drop_index("ix_city_report_township_queue", table_name="city_report")
    op.drop_index("ix_city_report_recipient_id", table_name="city_report")
    op.drop_table("city_report")
