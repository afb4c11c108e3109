"""A recipient's status in dispatch, the status changes it received, paused orders, and the
providers' acknowledgements of order changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RECIPIENT_COLUMNS = (
    "status",
    "status_effective_date",
    "status_reason_code",
    "ended_on",
    "expected_end",
)
ORDER_COLUMNS = ("paused_from", "change_reason_code", "change_effective_date")


def upgrade() -> None:
    op.add_column(
        "recipient",
        sa.Column("status", sa.Text(), server_default=sa.text("'active'"), nullable=False),
    )
    op.add_column("recipient", sa.Column("status_effective_date", sa.Date()))
    op.add_column("recipient", sa.Column("status_reason_code", sa.Text()))
    op.add_column("recipient", sa.Column("ended_on", sa.Date()))
    op.add_column("recipient", sa.Column("expected_end", sa.Date()))
    op.add_column("service_order", sa.Column("paused_from", sa.Text()))
    op.add_column("service_order", sa.Column("change_reason_code", sa.Text()))
    op.add_column("service_order", sa.Column("change_effective_date", sa.Date()))
    _status_changes()
    _order_changes()


def _status_changes() -> None:
    op.create_table(
        "recipient_status_change",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("previous_status", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("expected_end", sa.Date()),
        sa.Column("new_county_code", sa.Text()),
        sa.Column("new_township_code", sa.Text()),
        sa.Column("new_village_code", sa.Text()),
        sa.Column("new_category", sa.Text()),
        sa.Column("cause_event_id", sa.Uuid(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("recipient_id", "version", name=op.f("pk_recipient_status_change")),
    )


def _order_changes() -> None:
    op.create_table(
        "order_change",
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("order_version", sa.Integer(), nullable=False),
        sa.Column("provider_code", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("cause_event_id", sa.Uuid()),
        sa.Column("acknowledge_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledged_via", sa.Text()),
        sa.Column("acknowledged_by", sa.Text()),
        sa.Column("escalated_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["service_order.order_id"],
            name=op.f("fk_order_change_order_id_service_order"),
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_order_change")),
        sa.UniqueConstraint(
            "order_id", "order_version", name="uq_order_change_order_id_order_version"
        ),
    )
    op.create_index(
        "ix_order_change_unacknowledged",
        "order_change",
        ["acknowledge_by"],
        unique=False,
        postgresql_where=sa.text("acknowledged_at IS NULL AND escalated_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("order_change")
    op.drop_table("recipient_status_change")
    for column in ORDER_COLUMNS:
        op.drop_column("service_order", column)
    for column in RECIPIENT_COLUMNS:
        op.drop_column("recipient", column)
