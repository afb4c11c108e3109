"""What the household visit found, sealed at rest under survey's data keys.

The findings name household members with their ID numbers, the home's GPS position, health,
disability, housing and income notes; a 初审's notes may repeat any of it. Each such column
holds ``civic.sealing`` ciphertext bound to its row (the task's ``survey_id``), so a copy of
the database without the master key shows none of it. A JSON body is sealed whole, as one
value per row. Keys, rotation and the master key: ``docs/keys.md``. The repository seals on
insert and opens on read through the functions below; the domain never sees ciphertext.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from civic.db import make_engine

# The repositories seal and open through these (civic's, re-exported here).
from civic.sealing import open_json as open_json
from civic.sealing import open_text as open_text
from civic.sealing import seal_json as seal_json
from civic.sealing import seal_text as seal_text
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
