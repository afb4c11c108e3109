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

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BODIES = ("survey_findings", "preliminary_review")


def upgrade() -> None:
    create_sealing_keys()
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
    drop_sealing_keys()
