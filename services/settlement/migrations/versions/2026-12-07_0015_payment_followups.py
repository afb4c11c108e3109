"""settlement: a payment exception is resolved by a person, who says why.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("payment_exception", sa.Column("resolved_by", sa.Text(), nullable=True))
    op.add_column(
        "payment_exception", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("payment_exception", sa.Column("resolution_note_zh", sa.Text(), nullable=True))
    op.create_check_constraint(
        op.f("ck_payment_exception_resolution_complete"),
        "payment_exception",
        "(resolved_by IS NULL) = (resolved_at IS NULL)"
        " AND (resolved_by IS NULL) = (resolution_note_zh IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_payment_exception_resolution_complete"), "payment_exception", type_="check"
    )
    op.drop_column("payment_exception", "resolution_note_zh")
    op.drop_column("payment_exception", "resolved_at")
    op.drop_column("payment_exception", "resolved_by")
