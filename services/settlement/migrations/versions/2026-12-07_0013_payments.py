"""settlement: payment batches, bank files and their reconciliation; payment reversals.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the work on this part


def downgrade() -> None:
    pass
