"""ID numbers sealed at rest: person.id_number becomes AES-GCM ciphertext and a blind index
(HMAC-SHA256) takes over its uniqueness. Rows written before are converted in place with
the key in ID_NUMBER_KEY (the same the service runs with).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import os

import sqlalchemy as sa
from alembic import op

from intake.adapters.legacy_sealing import Vault
from intake.settings import DEV_ID_NUMBER_KEY

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _vault() -> Vault:
    return Vault.from_secret(os.environ.get("ID_NUMBER_KEY", DEV_ID_NUMBER_KEY))


def upgrade() -> None:
    op.add_column("person", sa.Column("id_number_index", sa.Text()))
    conn = op.get_bind()
    rows = conn.execute(sa.text("select person_id, id_number from person")).all()
    vault = _vault() if rows else None
    for person_id, id_number in rows:
        assert vault is not None
        conn.execute(
            sa.text(
                "update person set id_number = :sealed, id_number_index = :idx where person_id = :p"
            ),
            {"sealed": vault.seal(id_number), "idx": vault.index(id_number), "p": person_id},
        )
    op.drop_constraint("uq_person_id_number", "person", type_="unique")
    op.alter_column("person", "id_number_index", nullable=False)
    op.create_unique_constraint("uq_person_id_number_index", "person", ["id_number_index"])


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("select person_id, id_number from person")).all()
    vault = _vault() if rows else None
    for person_id, sealed in rows:
        assert vault is not None
        conn.execute(
            sa.text("update person set id_number = :plain where person_id = :p"),
            {"plain": vault.open(sealed), "p": person_id},
        )
    op.drop_constraint("uq_person_id_number_index", "person", type_="unique")
    op.drop_column("person", "id_number_index")
    op.create_unique_constraint("uq_person_id_number", "person", ["id_number"])
