"""review's read audit (civic.audit): who read whose personal data, append-only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from civic.migrations import create_read_audit, drop_read_audit

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_read_audit()


def downgrade() -> None:
    drop_read_audit()
