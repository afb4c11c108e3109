"""review seals personal data at rest (civic.sealing): its data keys in ``sealing_key``, and
a case's five parts and a city report's body become text, to hold one sealed value per row.

The sealed columns (review/adapters/sealing.py) keep what they held: values stored before
sealing stay in clear (JSON as its text, ``::text``) and open as they are until the service's
keeper re-seals them in the background; nothing is sealed here (no key is at hand). The
first answers kept for Idempotency-Keys are cut down to the ids a retry reads its answer by,
so no reason or note stays in clear there. Not expand-only: instances of the previous
version cannot open sealed values, so every instance is replaced at once.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: (table, column, nullable) of the JSON columns that become text.
_PARTS = ("registration", "findings", "preliminary", "withdrawal", "decision")
_JSON = (*(("review_case", part, True) for part in _PARTS), ("city_report", "report", False))
#: The stored answers of these scopes keep only the ids their retries read the answer by.
_ANSWERS = (
    ("review.service-change:%", "change_id"),
    ("review.service-change-decision:%", "change_id"),
    ("review.emergency:%", "recipient_id"),
    ("review.decision:%", "application_id"),
)


def upgrade() -> None:
    create_sealing_keys()
    for table, column, nullable in _JSON:
        op.alter_column(
            table,
            column,
            type_=sa.Text(),
            existing_type=JSONB,
            existing_nullable=nullable,
            postgresql_using=f"{column}::text",
        )
    for scope, key in _ANSWERS:
        # The keys are this file's constants; only the scope is a parameter.
        keep = f"jsonb_build_object('{key}', response->'{key}')"
        op.execute(
            sa.text(
                f"update idempotency_record set response = {keep} where scope like :scope"
            ).bindparams(scope=scope)
        )


def downgrade() -> None:
    # A sealed value is not JSON and does not open without the keys dropped here: refuse
    # rather than lose the cases and reports (sealed notes and reasons in text columns would
    # stay as ciphertext that no longer opens: open them first too).
    for table, column, _ in _JSON:
        sealed = op.get_bind().execute(
            sa.text(f"select count(*) from {table} where {column} like 's1.%'")
        )
        if sealed.scalar_one():
            raise RuntimeError(f"{table}.{column} holds sealed values: open them first")
    for table, column, nullable in _JSON:
        op.alter_column(
            table,
            column,
            type_=JSONB,
            existing_type=sa.Text(),
            existing_nullable=nullable,
            postgresql_using=f"{column}::jsonb",
        )
    drop_sealing_keys()
