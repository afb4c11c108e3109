"""archive seals personal data (civic.sealing): its data keys in ``sealing_key``; document
content, filenames, a file's special conditions and self-care level, and the history's events
and lines become text that holds sealed values.

A migration holds no key, so existing values stay in clear here, in the form the service's
keeper reads as "legacy" and re-seals in the background: a document's bytes as standard
base64, the JSON columns as their JSON text. ``civic-keys archive status`` counts what is
left. The history stays append-only, except that a value may be replaced by its sealed form.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from civic.migrations import create_sealing_keys, drop_sealing_keys

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

#: The history's identity and times never change; data and summary only to a sealed value.
_HISTORY_GUARD = """
CREATE FUNCTION archive_history_reseal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND (NEW.event_id, NEW.person_id, NEW.topic, NEW.event_type, NEW.occurred_at,
          NEW.recorded_at) IS NOT DISTINCT FROM (OLD.event_id, OLD.person_id, OLD.topic,
          OLD.event_type, OLD.occurred_at, OLD.recorded_at)
     AND (NEW.data = OLD.data OR NEW.data LIKE 's1.%')
     AND (NEW.summary = OLD.summary OR NEW.summary LIKE 's1.%')
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$
"""


def _history_trigger(function: str) -> None:
    op.execute("DROP TRIGGER file_history_append_only ON file_history")
    op.execute(
        "CREATE TRIGGER file_history_append_only BEFORE UPDATE OR DELETE ON file_history "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def upgrade() -> None:
    create_sealing_keys()
    # encode(..., 'base64') breaks lines every 76 characters; the ring reads one line.
    op.alter_column(
        "file_document",
        "content",
        type_=sa.Text(),
        postgresql_using="replace(encode(content, 'base64'), E'\\n', '')",
    )
    op.alter_column(
        "archive_file",
        "special_conditions",
        type_=sa.Text(),
        postgresql_using="special_conditions::text",
    )
    op.alter_column("file_history", "data", type_=sa.Text(), postgresql_using="data::text")
    op.execute(_HISTORY_GUARD)
    _history_trigger("archive_history_reseal_only")


def downgrade() -> None:
    # Only values still in clear convert back: a sealed value makes this fail (it needs its
    # key), rather than leave ciphertext where the old code expects a document or JSON.
    _history_trigger("archive_refuse_change")
    op.execute("DROP FUNCTION archive_history_reseal_only()")
    op.alter_column("file_history", "data", type_=JSONB(), postgresql_using="data::jsonb")
    op.alter_column(
        "archive_file",
        "special_conditions",
        type_=JSONB(),
        postgresql_using="special_conditions::jsonb",
    )
    op.alter_column(
        "file_document",
        "content",
        type_=sa.LargeBinary(),
        postgresql_using="decode(content, 'base64')",
    )
    drop_sealing_keys()
