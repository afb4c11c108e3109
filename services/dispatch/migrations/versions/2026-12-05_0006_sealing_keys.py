"""dispatch's data keys (civic.sealing): wrapped keys, rotation and retirement in
``sealing_key``; ``provider.contacts`` becomes text, to hold its JSON sealed.

The sealed columns (dispatch/adapters/sealing.py) keep what they held: values stored before
sealing stay in clear (the contacts as their JSON text) and open as they are until the
service's keeper re-seals them in the background; nothing is rewritten here.

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
    # A sealed value cannot be a default: the repository always writes the contacts.
    op.alter_column("provider", "contacts", server_default=None)
    op.alter_column(
        "provider",
        "contacts",
        type_=sa.Text(),
        existing_type=postgresql.JSONB(),
        existing_nullable=False,
        postgresql_using="contacts::text",
    )


def downgrade() -> None:
    # Values sealed under data keys do not open without them: downgrading loses them (sealed
    # contacts become an empty list; the other sealed columns keep unreadable ciphertext).
    op.alter_column(
        "provider",
        "contacts",
        type_=postgresql.JSONB(),
        existing_type=sa.Text(),
        existing_nullable=False,
        postgresql_using="CASE WHEN contacts LIKE 's1.%' THEN '[]'::jsonb ELSE contacts::jsonb END",
    )
    op.alter_column("provider", "contacts", server_default=sa.text("'[]'::jsonb"))
    op.drop_table("sealing_key")
