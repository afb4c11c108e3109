"""The service category of each catalogue item, so a public board can leave out the items
that tell about someone's health (domain.publicity). Expand-only: rows stored before keep
NULL until the county's catalogue arrives again, and code before this ignores the column.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("catalogue_item", sa.Column("service_category", sa.Text()))


def downgrade() -> None:
    op.drop_column("catalogue_item", "service_category")
