"""Living cases (issue 20): changes to a recipient's services and emergency care (救急难).

Expand only: the recipient's services version (1 for everyone approved so far), the change
requests and the emergency care records. The previous version runs against this schema.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "recipient",
        sa.Column("services_version", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )
    _service_change()
    _emergency_care()


def _service_change() -> None:
    op.create_table(
        "service_change",
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reason_code", sa.Text(), nullable=False),
        sa.Column("reason_zh", sa.Text()),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("changes", JSONB(), nullable=False),
        sa.Column("self_care_level", sa.Text()),
        sa.Column("note_zh", sa.Text()),
        sa.Column("county_decides", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decided_at", TS),
        sa.Column("refusal_zh", sa.Text()),
        sa.Column("services_version", sa.Integer()),
        sa.Column("outcome", JSONB()),
        sa.PrimaryKeyConstraint("change_id", name="pk_service_change"),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_service_change_recipient_id_recipient",
        ),
    )
    op.create_index("ix_service_change_recipient_id", "service_change", ["recipient_id"])
    op.create_index(
        "ix_service_change_township_queue",
        "service_change",
        ["township_code", "state", "requested_at"],
    )
    op.create_index(
        "ix_service_change_county_queue", "service_change", ["county_code", "state", "requested_at"]
    )


def _emergency_care() -> None:
    op.create_table(
        "emergency_care",
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason_zh", sa.Text()),
        sa.Column("medical_institution_needed", sa.Boolean(), nullable=False),
        sa.Column("consent", JSONB()),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("deadline_at", TS, nullable=False),
        sa.Column("temporary_until", sa.Date(), nullable=False),
        sa.Column("ended_at", TS),
        sa.Column("end_reason", sa.Text()),
        sa.Column("confirmed_by", sa.Text()),
        sa.Column("confirmed_at", TS),
        sa.PrimaryKeyConstraint("recipient_id", name="pk_emergency_care"),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipient.recipient_id"],
            name="fk_emergency_care_recipient_id_recipient",
        ),
        sa.UniqueConstraint("application_id", name="uq_emergency_care_application_id"),
    )
    op.create_index(
        "ix_emergency_care_township_queue",
        "emergency_care",
        ["township_code", "state", "opened_at"],
    )
    op.create_index("ix_emergency_care_due", "emergency_care", ["state", "deadline_at"])


def downgrade() -> None:
    op.drop_table("emergency_care")
    op.drop_table("service_change")
    op.drop_column("recipient", "services_version")
