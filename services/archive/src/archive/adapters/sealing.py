"""Personal data at rest: sealed under archive's data keys, each value bound to its row.

A file's uploaded documents are ID-card and household-register copies, illness and disability
certificates (sensitive personal information, PIPL art. 28); their filenames often carry a
name or an ID number; the file and its history hold the person's special conditions
(seriously ill, severely disabled) and self-care level. Each of these columns keeps only
``civic.sealing`` ciphertext bound to its field and row, so a copy of the database without
the master key shows none of it. Keys, rotation and the master key are described in
``docs/keys.md``; the repositories call the helpers below, nothing else does.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from archive.settings import Settings
from civic import sealing
from civic.db import make_engine

# The repositories seal and open through these (civic's, re-exported here).
from civic.sealing import open_json as open_json
from civic.sealing import open_text as open_text
from civic.sealing import seal_json as seal_json
from civic.sealing import seal_text as seal_text
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from civic.sealing.keyring import in_clear

CONTENT = "archive.document.content"
FILENAME = "archive.file_document.filename"
CONDITIONS = "archive.archive_file.special_conditions"
SELF_CARE = "archive.archive_file.self_care_level"
HISTORY_DATA = "archive.file_history.data"
HISTORY_SUMMARY = "archive.file_history.summary"

#: Every column archive seals (the keeper re-seals them after a rotation, and the values
#: migration 0005 left in clear).
SEALED_COLUMNS = (
    SealedColumn("file_document", "document_id", "content", CONTENT, binary=True),
    SealedColumn("file_document", "document_id", "filename", FILENAME),
    SealedColumn("archive_file", "file_id", "special_conditions", CONDITIONS),
    SealedColumn("archive_file", "file_id", "self_care_level", SELF_CARE),
    SealedColumn("file_history", "event_id", "data", HISTORY_DATA),
    SealedColumn("file_history", "event_id", "summary", HISTORY_SUMMARY),
)


def seal_optional(value: str | None, *, purpose: str, row: uuid.UUID) -> str | None:
    """Like ``seal_text``; an absent value stays absent (NULL)."""
    return None if value is None else seal_text(value, purpose=purpose, row=row)


def open_optional(sealed: str | None, *, purpose: str, row: uuid.UUID) -> str | None:
    """Like ``open_text``; NULL stays None."""
    return None if sealed is None else open_text(sealed, purpose=purpose, row=row)


def seal_content(content: bytes, *, document_id: uuid.UUID) -> str:
    """A document's bytes sealed for its own row."""
    return sealing.ring().seal_bytes(content, purpose=CONTENT, row=str(document_id))


def open_content(sealed: str, *, document_id: uuid.UUID) -> bytes:
    """A document's bytes, exactly as uploaded."""
    return sealing.ring().open_bytes(sealed, purpose=CONTENT, row=str(document_id))


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """archive's keys: its master keys and sealed columns; rows from before are in clear."""
    # Migration 0005 left earlier values in clear (content as base64); the keeper re-seals them.
    return keeper_for(settings, engine, SEALED_COLUMNS, legacy=in_clear)


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys archive`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
