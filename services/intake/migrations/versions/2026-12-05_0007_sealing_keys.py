"""intake's data keys (civic.sealing): wrapped keys, rotation and retirement in
``sealing_key``. ID numbers sealed before (under ID_NUMBER_KEY, no key id) keep opening
through that key until the service's keeper re-seals them under a data key; the first
ring adopts that key's blind-index key, so nothing needs rewriting here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_sealing_keys()


def downgrade() -> None:
    # Values sealed under data keys do not open without them: downgrading loses them.
    drop_sealing_keys()
