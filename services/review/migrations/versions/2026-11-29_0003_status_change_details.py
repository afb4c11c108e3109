"""What went with a status change: the new category, or the new place of a transfer.

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

_COLUMNS = ("new_category", "new_county_code", "new_township_code", "new_village_code")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("recipient_status_history", sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    for name in reversed(_COLUMNS):
        op.drop_column("recipient_status_history", name)
