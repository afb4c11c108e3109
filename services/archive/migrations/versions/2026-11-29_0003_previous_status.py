"""The status a file had before its last change, so a board keeps showing a person until a
change with a later effective date (e.g. a stop from next month) takes effect.

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


def upgrade() -> None:
    op.add_column("archive_file", sa.Column("previous_status", sa.Text()))


def downgrade() -> None:
    op.drop_column("archive_file", "previous_status")
