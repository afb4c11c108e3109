"""settlement: negative statements carried over; a year's funds closed with a report.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the work on this part


def downgrade() -> None:
    pass
