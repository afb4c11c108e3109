"""What officers and residents write about a recipient, sealed under review's data keys.

A needs assessment's notes, a service change's reason, re-assessment note and refusal, why
someone was left without care (emergency care), the city system's reports and an officer's
note on them, and a case's parts as they came from intake and survey (special conditions,
self-care level, a failed 初审's or a withdrawal's reason, a rejection's reason) can tell of
health, disability and family circumstances (PIPL art. 28). Each such column holds
``civic.sealing`` ciphertext bound to its row (the table's primary key) and to its field, so
a copy of the database without the master key shows none of it, and a value copied into
another row does not open. A JSON value is sealed whole, as one text per row. No SQL filters
or sorts on these columns (the queue's columns stay beside them), so none needs a blind
index. Keys, rotation and the master key: ``docs/keys.md``. Repositories seal on write and
open on read through ``seal_values`` and ``open_values``; the domain never sees ciphertext.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
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
from review.settings import Settings

#: The case's parts, each a JSON value (migration 0009 made them text).
CASE_PARTS = ("registration", "findings", "preliminary", "withdrawal", "decision")

#: Every column review seals (the keeper re-seals them after a rotation, and the rows
#: migration 0009 left in clear the first time). Every row key is a single-column primary key.
SEALED_COLUMNS = (
    *(SealedColumn("review_case", "application_id", p, f"review.case.{p}") for p in CASE_PARTS),
    SealedColumn("needs_assessment", "application_id", "notes", "review.assessment.notes"),
    SealedColumn("service_change", "change_id", "reason_zh", "review.change.reason_zh"),
    SealedColumn("service_change", "change_id", "note_zh", "review.change.note_zh"),
    SealedColumn("service_change", "change_id", "refusal_zh", "review.change.refusal_zh"),
    SealedColumn("emergency_care", "recipient_id", "reason_zh", "review.emergency.reason_zh"),
    SealedColumn("city_report", "report_id", "report", "review.city_report.report"),
    SealedColumn("city_report", "report_id", "reason_zh", "review.city_report.reason_zh"),
    SealedColumn("city_report", "report_id", "decision_note", "review.city_report.note"),
)
#: Columns holding a JSON value (sealed as its text).
JSON_COLUMNS = frozenset({*(("review_case", p) for p in CASE_PARTS), ("city_report", "report")})
_OF_TABLE = {
    name: {s.column: s.purpose for s in SEALED_COLUMNS if s.table == name}
    for name in {s.table for s in SEALED_COLUMNS}
}


def sealed_columns(table: Table) -> Mapping[str, str]:
    """The columns of ``table`` review seals, with their purposes."""
    return _OF_TABLE.get(table.name, {})


def seal_values(table: Table, values: Mapping[str, Any], *, row: object) -> dict[str, Any]:
    """``values`` to write into ``table``'s ``row``, each sealed column sealed (None stays)."""
    sealed = dict(values)
    for column, purpose in sealed_columns(table).items():
        if sealed.get(column) is not None:
            seal = seal_json if (table.name, column) in JSON_COLUMNS else seal_text
            sealed[column] = seal(sealed[column], purpose=purpose, row=row)
    return sealed


def open_values(table: Table, values: Mapping[Any, Any], *, row: object) -> dict[str, Any]:
    """``values`` read from ``table``'s ``row``, each sealed column opened (None stays)."""
    opened = dict(values)
    for column, purpose in sealed_columns(table).items():
        if opened.get(column) is not None:
            read = open_json if (table.name, column) in JSON_COLUMNS else open_text
            opened[column] = read(opened[column], purpose=purpose, row=row)
    return opened


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """review's keys: its master keys and sealed columns; rows from before are in clear."""
    # Migration 0009 left the values stored before sealing as they were (JSON as its text):
    # they open as they are until the keeper's job re-seals them.
    return keeper_for(settings, engine, SEALED_COLUMNS, legacy=in_clear)


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys review`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
