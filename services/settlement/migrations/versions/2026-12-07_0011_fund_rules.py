"""settlement: what each fund may pay for (restricted funds), versioned per county.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled by the work on this part


def downgrade() -> None:
    pass
