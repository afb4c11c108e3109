"""survey seals personal data at rest (civic.sealing): its data keys in ``sealing_key``, and
the findings' and 初审's JSON bodies become text, to hold one sealed value per row.

Rows written before are converted as they are (``body::text``) and so stay in clear until
the service's keeper re-seals them in the background (``civic.sealing.keyring.in_clear``
opens them meanwhile); ``survey_findings.self_care_level`` is sealed the same way.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BODIES = ("survey_findings", "preliminary_review")


def upgrade() -> None:
    op.create_table(
        "sealing_key",
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text()),
        sa.Column("algorithm", sa.Text(), nullable=False),
        sa.Column("master_key_id", sa.Text(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("key_id", name="pk_sealing_key"),
    )
    for table in _BODIES:
        op.alter_column(
            table, "body", type_=sa.Text(), existing_type=JSONB, postgresql_using="body::text"
        )


def downgrade() -> None:
    # A sealed value is not JSON and does not open without the keys dropped here: refuse
    # rather than lose the findings.
    for table in _BODIES:
        sealed = op.get_bind().execute(
            sa.text(f"select count(*) from {table} where body like 's1.%'")
        )
        if sealed.scalar_one():
            raise RuntimeError(f"{table}.body holds sealed values: open them before downgrading")
    for table in _BODIES:
        op.alter_column(
            table, "body", type_=JSONB, existing_type=sa.Text(), postgresql_using="body::jsonb"
        )
    op.drop_table("sealing_key")
