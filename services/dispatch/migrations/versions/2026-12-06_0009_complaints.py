"""dispatch: complaints, their steps and deadlines.

``complaint`` holds each complaint with its deadline (``respond_by``, watched by
jobs/complaints.py) and level; ``complaint_note`` the investigation's notes and the
provider's responses. Free text and the complainant's contact are sealed by the service
(adapters/sealing.py): the columns are plain text here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("complaint_id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_id", sa.Uuid(), nullable=False),
        sa.Column("county_code", sa.Text(), nullable=False),
        sa.Column("township_code", sa.Text(), nullable=False),
        sa.Column("village_code", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Uuid()),
        sa.Column("record_id", sa.Uuid()),
        sa.Column("provider_id", sa.Uuid()),
        sa.Column("provider_code", sa.Text()),
        sa.Column("worker_ref", sa.Text()),
        sa.Column("supervision_level", sa.Text(), nullable=False),
        sa.Column("respond_by", TZ, nullable=False),
        sa.Column("escalated_at", TZ),
        sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("complainant_name", sa.Text()),
        sa.Column("complainant_phone", sa.Text()),
        sa.Column("outcome", sa.Text()),
        sa.Column("resolved_by", sa.Text()),
        sa.Column("resolved_at", TZ),
        sa.Column("resolved_level", sa.Text()),
        sa.Column("complainant_told_on", sa.Date()),
        sa.Column("resolution_note_zh", sa.Text()),
    )
    op.create_index("ix_complaint_village_code", "complaint", ["village_code"])
    op.create_index("ix_complaint_person_id", "complaint", ["person_id"])
    op.create_index(
        "ix_complaint_awaiting_township",
        "complaint",
        ["respond_by"],
        postgresql_where=sa.text("status = 'open' AND supervision_level = 'township'"),
    )
    op.create_table(
        "complaint_note",
        sa.Column("note_id", sa.Uuid(), primary_key=True),
        sa.Column(
            "complaint_id",
            sa.Uuid(),
            sa.ForeignKey(
                "complaint.complaint_id", name="fk_complaint_note_complaint_id_complaint"
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Text(), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("written_at", TZ, nullable=False),
    )
    op.create_index("ix_complaint_note_complaint_id", "complaint_note", ["complaint_id"])


def downgrade() -> None:
    op.drop_table("complaint_note")
    op.drop_table("complaint")
