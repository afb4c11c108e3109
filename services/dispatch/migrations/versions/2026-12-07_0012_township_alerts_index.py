"""dispatch: an index for a township's love-doorbell alerts, newest first (issue 22).

``GET /townships/{code}/doorbell-alerts`` reads the alerts of the township's villages by
``village_code`` and orders them by ``received_at``; without the index every alert was read.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_doorbell_alert_village_code_received_at",
        "doorbell_alert",
        ["village_code", "received_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_doorbell_alert_village_code_received_at", table_name="doorbell_alert")
