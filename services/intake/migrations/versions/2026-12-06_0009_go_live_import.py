"""Go-live import (存量导入): import runs, each row's outcome and errors, imported persons.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["import_id"], ["import_run.import_id"], name=f"fk_{table}_import_id_import_run"
    )


def _person_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["person_id"], ["person.person_id"], name=f"fk_{table}_person_id_person"
    )


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("started_by", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name="pk_import_run"),
    )
    op.create_table(
        "import_row",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        _run_fk("import_row"),
        _person_fk("import_row"),
        sa.PrimaryKeyConstraint("import_id", "row_number", name="pk_import_row"),
    )
    op.create_table(
        "import_error",
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("field", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        _run_fk("import_error"),
        sa.PrimaryKeyConstraint("import_id", "row_number", "field", "code", name="pk_import_error"),
    )
    op.create_table(
        "imported_person",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        _person_fk("imported_person"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.application_id"],
            name="fk_imported_person_application_id_application",
        ),
        _run_fk("imported_person"),
        sa.PrimaryKeyConstraint("person_id", name="pk_imported_person"),
        sa.UniqueConstraint("application_id", name="uq_imported_person_application_id"),
    )
    op.create_index("ix_imported_person_import_id", "imported_person", ["import_id"])


def downgrade() -> None:
    op.drop_index("ix_imported_person_import_id", table_name="imported_person")
    op.drop_table("imported_person")
    op.drop_table("import_error")
    op.drop_table("import_row")
    op.drop_table("import_run")
