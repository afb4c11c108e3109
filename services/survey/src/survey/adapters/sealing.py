"""What the household visit found, sealed at rest under survey's data keys.

The findings name household members with their ID numbers, the home's GPS position, health,
disability, housing and income notes; a 初审's notes may repeat any of it. Each such column
holds ``civic.sealing`` ciphertext bound to its row (the task's ``survey_id``), so a copy of
the database without the master key shows none of it. A JSON body is sealed whole, as one
value per row. Keys, rotation and the master key: ``docs/keys.md``. The repository seals on
insert and opens on read through the functions below; the domain never sees ciphertext.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.db import make_engine
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from civic.sealing.keyring import in_clear
from survey.settings import Settings

FINDINGS = "survey.findings.body"
SELF_CARE = "survey.findings.self_care_level"
REVIEW = "survey.review.body"
#: Every column survey seals (the keeper re-seals them after a rotation, and migration 0004's
#: rows, left in clear, the first time).
SEALED_COLUMNS = (
    SealedColumn("survey_findings", "survey_id", "body", FINDINGS),
    SealedColumn("survey_findings", "survey_id", "self_care_level", SELF_CARE),
    SealedColumn("preliminary_review", "survey_id", "body", REVIEW),
)


def seal_text(value: str, *, purpose: str, row: uuid.UUID) -> str:
    """The value sealed for ``purpose`` in this task's row (it opens in no other)."""
    return sealing.ring().seal(value, purpose=purpose, row=str(row))


def open_text(sealed: str, *, purpose: str, row: uuid.UUID) -> str:
    """The value a task's row holds for ``purpose``."""
    return sealing.ring().open(sealed, purpose=purpose, row=str(row))


def seal_json(body: dict[str, Any], *, purpose: str, row: uuid.UUID) -> str:
    """A JSON body sealed as one value (sorted keys: equal bodies, equal plaintexts)."""
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    return seal_text(text, purpose=purpose, row=row)


def open_json(sealed: str, *, purpose: str, row: uuid.UUID) -> dict[str, Any]:
    """The JSON body a task's row holds for ``purpose``."""
    body: dict[str, Any] = json.loads(open_text(sealed, purpose=purpose, row=row))
    return body


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """survey's keys: its master keys and sealed columns; rows from before sealing are in clear."""
    # Migration 0004 turned the JSON columns into text as they were: those rows open as
    # they are until the keeper's job re-seals them.
    return keeper_for(settings, engine, SEALED_COLUMNS, legacy=in_clear)


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys survey`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
