"""Checks on an app's application (issue 16): what the township verifies before registering it,
and the open application it is held behind, which the one-open-application index leaves out.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN_STATUS_SQL = (
    "status IN ('submitted', 'registered', 'surveying', 'preliminary_passed', 'preliminary_failed')"
)


def _open_index(where: str) -> None:
    op.drop_index("uq_application_open_person", table_name="application")
    op.create_index(
        "uq_application_open_person",
        "application",
        ["person_id"],
        unique=True,
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    op.add_column(
        "application",
        sa.Column(
            "checks",
            postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column("application", sa.Column("duplicate_of", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        "fk_application_duplicate_of_application",
        "application",
        "application",
        ["duplicate_of"],
        ["application_id"],
    )
    _open_index(f"{OPEN_STATUS_SQL} AND duplicate_of IS NULL")


def downgrade() -> None:
    # A held application would break the old index; the township settles it first.
    held_sql = "select count(*) from application where duplicate_of is not null and "
    held = op.get_bind().execute(sa.text(held_sql + OPEN_STATUS_SQL))
    if held.scalar_one():
        raise RuntimeError("open applications are held as duplicates: withdraw or register them")
    _open_index(OPEN_STATUS_SQL)
    op.drop_constraint("fk_application_duplicate_of_application", "application")
    op.drop_column("application", "duplicate_of")
    op.drop_column("application", "checks")
