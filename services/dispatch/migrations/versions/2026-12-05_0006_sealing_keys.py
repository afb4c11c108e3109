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

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_sealing_keys()
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
    drop_sealing_keys()
