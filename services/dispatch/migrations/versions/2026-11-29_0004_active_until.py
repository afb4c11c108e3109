"""An accepted order that a status change paused or ended still counts the records of the
days before that change took effect (late uploads from the providers' offline apps).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("service_order", sa.Column("active_until", sa.Date()))


def downgrade() -> None:
    op.drop_column("service_order", "active_until")
