"""The dashboards' read model (issue 22): each person's chain from application to first
service, and the stops with the order ends they caused (rebuildable from the topics).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "chain_case",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid()),
        sa.Column("county_code", sa.Text()),
        sa.Column("township_code", sa.Text()),
        sa.Column("village_code", sa.Text()),
        sa.Column("category", sa.Text()),
        sa.Column("display_name", sa.Text()),
        sa.Column("route", sa.Text()),
        sa.Column("facts_at", _AT),
        sa.Column("named_at", _AT),
        sa.Column("submitted_at", _AT),
        sa.Column("registered_at", _AT),
        sa.Column("surveyed_at", _AT),
        sa.Column("decided_at", _AT),
        sa.Column("decision", sa.Text()),
        sa.Column("first_accepted_at", _AT),
        sa.Column("first_delivered_at", _AT),
        sa.Column("withdrawn_at", _AT),
        sa.PrimaryKeyConstraint("person_id", name="pk_chain_case"),
    )
    op.create_index("ix_chain_case_township", "chain_case", ["township_code"])
    op.create_index("ix_chain_case_county", "chain_case", ["county_code"])
    op.create_table(
        "stop_case",
        sa.Column("stop_event_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("stopped_at", _AT, nullable=False),
        sa.PrimaryKeyConstraint("stop_event_id", name="pk_stop_case"),
    )
    op.create_index("ix_stop_case_person_id", "stop_case", ["person_id"])
    op.create_table(
        "stop_order",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("cause_event_id", sa.Uuid()),
        sa.Column("cancelled_at", _AT),
        sa.Column("provider_code", sa.Text()),
        sa.Column("unacknowledged_by", _AT),
        sa.Column("escalated_at", _AT),
        sa.PrimaryKeyConstraint("order_id", name="pk_stop_order"),
    )
    op.create_index("ix_stop_order_cause_event_id", "stop_order", ["cause_event_id"])


def downgrade() -> None:
    for table in ("stop_order", "stop_case", "chain_case"):
        op.drop_table(table)
