"""City reports that cannot apply land on the township's queue too: a report the recipient's
history refuses, or one about a person who is no recipient (issue 14).

Expand only: a nullable recipient and village, and the refusal's code and Chinese reason.
The previous version runs against this schema (it writes every column it knows and lists
only reports joined to a recipient).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("city_report", "recipient_id", existing_type=sa.Uuid(), nullable=True)
    op.alter_column("city_report", "village_code", existing_type=sa.Text(), nullable=True)
    op.add_column("city_report", sa.Column("refusal_code", sa.Text()))
    op.add_column("city_report", sa.Column("refusal_zh", sa.Text()))


def downgrade() -> None:
    # Reports about non-recipients have no place in the old table: they are dropped.
    op.execute("DELETE FROM city_report WHERE recipient_id IS NULL OR village_code IS NULL")
    op.drop_column("city_report", "refusal_zh")
    op.drop_column("city_report", "refusal_code")
    op.alter_column("city_report", "village_code", existing_type=sa.Text(), nullable=False)
    op.alter_column("city_report", "recipient_id", existing_type=sa.Uuid(), nullable=False)
