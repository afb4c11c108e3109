"""Messaging tables version 2: parked outbox rows, parked messages, pruning indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from civic.migrations import downgrade_messaging_from_v2, upgrade_messaging_to_v2

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_messaging_to_v2()


def downgrade() -> None:
    downgrade_messaging_from_v2()
