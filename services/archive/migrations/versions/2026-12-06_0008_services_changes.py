"""A file's route to aid (review, emergency, import), emergency care's last day, and the
version of its approved items with the items before the last change (issue 20).

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
    op.add_column(
        "archive_file", sa.Column("route", sa.Text(), server_default="review", nullable=False)
    )
    op.add_column("archive_file", sa.Column("temporary_until", sa.Date()))
    op.add_column(
        "archive_file",
        sa.Column("services_version", sa.Integer(), server_default="1", nullable=False),
    )
    op.add_column("archive_file", sa.Column("services_effective_date", sa.Date()))
    op.add_column(
        "archive_file",
        sa.Column("previous_items", postgresql.JSONB(astext_type=sa.Text())),
    )


def downgrade() -> None:
    for column in (
        "previous_items",
        "services_effective_date",
        "services_version",
        "temporary_until",
        "route",
    ):
        op.drop_column("archive_file", column)
