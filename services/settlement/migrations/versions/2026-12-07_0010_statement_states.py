"""settlement: a statement may also be held for the county's budget approval, or carried (negative).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_statement_status_known"), "statement", type_="check")
    op.create_check_constraint(
        op.f("ck_statement_status_known"),
        "statement",
        "status IN ('draft', 'held', 'confirmed', 'carried', 'paid')",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_statement_status_known"), "statement", type_="check")
    op.create_check_constraint(
        op.f("ck_statement_status_known"), "statement", "status IN ('draft', 'confirmed', 'paid')"
    )
