"""intake: messages to applicants' phones (civic.notify, issue 20): their decision.

The same three tables as dispatch's revision 0011 (each sending service holds its own):
``notification_channel`` holds each county's channel (SMS gateway or WeChat templates) and
its secret; ``message_preference`` each person's channel, phone or openid and quiet hours;
``notification_message`` every message with its state, attempts, due time and receipt. The
secret and the address are sealed by the service (civic.notify.store): plain text here.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_channel",
        sa.Column("county_code", sa.Text(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("endpoint_url", sa.Text(), nullable=False),
        sa.Column(
            "templates",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "message_preference",
        sa.Column("user_id", sa.Text(), primary_key=True),
        sa.Column("division_code", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("quiet_start", sa.Time()),
        sa.Column("quiet_end", sa.Time()),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    _messages()


def _messages() -> None:
    op.create_table(
        "notification_message",
        sa.Column("message_id", sa.Uuid(), primary_key=True),
        sa.Column("dedupe_key", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("due_at", TZ, nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("gateway_ref", sa.Text()),
        sa.Column("sent_at", TZ),
        sa.Column("failed_at", TZ),
        sa.Column("receipt_at", TZ),
        sa.Column("created_at", TZ, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notification_message_dedupe_key")),
    )
    op.create_index(
        "ix_notification_message_due",
        "notification_message",
        ["due_at"],
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        "ix_notification_message_township_state",
        "notification_message",
        ["township_code", "state"],
    )


def downgrade() -> None:
    op.drop_table("notification_message")
    op.drop_table("message_preference")
    op.drop_table("notification_channel")
