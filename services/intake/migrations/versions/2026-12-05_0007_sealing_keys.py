"""intake's data keys (civic.sealing): wrapped keys, rotation and retirement in
``sealing_key``. ID numbers sealed before (under ID_NUMBER_KEY, no key id) keep opening
through that key until the service's keeper re-seals them under a data key; the first
ring adopts that key's blind-index key, so nothing needs rewriting here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


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


def downgrade() -> None:
    # Values sealed under data keys do not open without them: downgrading loses them.
    op.drop_table("sealing_key")
