"""Contact details, locations and care notes at rest: sealed under dispatch's data keys.

A recipient's address, phone, emergency contact and visit notes, the phones of neighbour
helpers and of providers' contact people, where a service was given, a provider's care plan
summary and what a neighbour did for a recipient are personal information (PIPL art. 28 for
health). Each such column holds ``civic.sealing`` ciphertext bound to its row (the table's
primary key) and to its field, so a copy of the database without the master key shows none
of it, and a value copied into another row does not open. A JSON value is sealed whole, as
one text per row. No SQL filters or sorts on these columns, so none needs a blind index.
Keys, rotation and the master key: ``docs/keys.md``. Repositories seal on write and open on
read through ``seal_values`` and ``open_values``; the domain never sees ciphertext.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.db import make_engine
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from civic.sealing.keyring import in_clear
from dispatch.settings import Settings

ADDRESS = "dispatch.recipient_contact.address"
PHONE = "dispatch.recipient_contact.phone"
EMERGENCY_CONTACT = "dispatch.recipient_contact.emergency_contact"
VISIT_NOTES = "dispatch.recipient_contact.notes_zh"
PROVIDER_CONTACTS = "dispatch.provider.contacts"
HELPER_PHONE = "dispatch.neighbour_helper.phone"
RECORD_LOCATION = "dispatch.service_record.location"
PLAN_SUMMARY = "dispatch.service_plan.summary_zh"
NEIGHBOUR_SERVICE = "dispatch.neighbour_service.content_zh"
COMPLAINT_WORDS = "dispatch.complaint.description_zh"
COMPLAINANT_NAME = "dispatch.complaint.complainant_name"
COMPLAINANT_PHONE = "dispatch.complaint.complainant_phone"
COMPLAINT_RESOLUTION = "dispatch.complaint.resolution_note_zh"
COMPLAINT_NOTE = "dispatch.complaint_note.text_zh"
CHANNEL_SECRET = "dispatch.notification_channel.secret"
MESSAGE_ADDRESS = "dispatch.message_preference.address"

#: Every column dispatch seals (the keeper re-seals them after a rotation, and the rows
#: migration 0006 left in clear the first time). Every row key is a single-column primary key.
SEALED_COLUMNS = (
    SealedColumn("recipient_contact", "recipient_id", "address", ADDRESS),
    SealedColumn("recipient_contact", "recipient_id", "phone", PHONE),
    SealedColumn("recipient_contact", "recipient_id", "emergency_contact", EMERGENCY_CONTACT),
    SealedColumn("recipient_contact", "recipient_id", "notes_zh", VISIT_NOTES),
    SealedColumn("provider", "provider_id", "contacts", PROVIDER_CONTACTS),
    SealedColumn("neighbour_helper", "helper_id", "phone", HELPER_PHONE),
    SealedColumn("service_record", "record_id", "location", RECORD_LOCATION),
    SealedColumn("service_plan", "plan_id", "summary_zh", PLAN_SUMMARY),
    SealedColumn("neighbour_service", "record_id", "content_zh", NEIGHBOUR_SERVICE),
    SealedColumn("complaint", "complaint_id", "description_zh", COMPLAINT_WORDS),
    SealedColumn("complaint", "complaint_id", "complainant_name", COMPLAINANT_NAME),
    SealedColumn("complaint", "complaint_id", "complainant_phone", COMPLAINANT_PHONE),
    SealedColumn("complaint", "complaint_id", "resolution_note_zh", COMPLAINT_RESOLUTION),
    SealedColumn("complaint_note", "note_id", "text_zh", COMPLAINT_NOTE),
    SealedColumn("notification_channel", "county_code", "secret", CHANNEL_SECRET),
    SealedColumn("message_preference", "user_id", "address", MESSAGE_ADDRESS),
)
#: Columns holding a JSON value (sealed as its text).
JSON_PURPOSES = frozenset({PROVIDER_CONTACTS})
_OF_TABLE = {
    name: {s.column: s.purpose for s in SEALED_COLUMNS if s.table == name}
    for name in {s.table for s in SEALED_COLUMNS}
}


def seal_text(value: str, *, purpose: str, row: uuid.UUID) -> str:
    """The value sealed for ``purpose`` in this row (it opens in no other)."""
    if "\x00" in value:
        # PostgreSQL refused U+0000 while these columns held clear text; what could not be
        # stored then is not stored sealed either (the API refuses it first: schemas.common).
        raise ValueError(f"U+0000 in {purpose}")
    return sealing.ring().seal(value, purpose=purpose, row=str(row))


def open_text(sealed: str, *, purpose: str, row: uuid.UUID) -> str:
    """The value a row holds for ``purpose``."""
    return sealing.ring().open(sealed, purpose=purpose, row=str(row))


def seal_json(value: Any, *, purpose: str, row: uuid.UUID) -> str:
    """A JSON value sealed as one text (sorted keys: equal values, equal plaintexts)."""
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return seal_text(plain, purpose=purpose, row=row)


def open_json(sealed: str, *, purpose: str, row: uuid.UUID) -> Any:
    """The JSON value a row holds for ``purpose``."""
    return json.loads(open_text(sealed, purpose=purpose, row=row))


def sealed_columns(table: Table) -> Mapping[str, str]:
    """The columns of ``table`` dispatch seals, with their purposes."""
    return _OF_TABLE.get(table.name, {})


def seal_values(table: Table, values: Mapping[str, Any], *, row: uuid.UUID) -> dict[str, Any]:
    """``values`` to write into ``table``'s ``row``, each sealed column sealed (None stays)."""
    sealed = dict(values)
    for column, purpose in sealed_columns(table).items():
        if sealed.get(column) is not None:
            seal = seal_json if purpose in JSON_PURPOSES else seal_text
            sealed[column] = seal(sealed[column], purpose=purpose, row=row)
    return sealed


def open_values(table: Table, values: Mapping[Any, Any], *, row: uuid.UUID) -> dict[str, Any]:
    """``values`` read from ``table``'s ``row``, each sealed column opened (None stays)."""
    opened = dict(values)
    for column, purpose in sealed_columns(table).items():
        if opened.get(column) is not None:
            read = open_json if purpose in JSON_PURPOSES else open_text
            opened[column] = read(opened[column], purpose=purpose, row=row)
    return opened


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """dispatch's keys: its master keys and sealed columns; rows from before are in clear."""
    # Migration 0006 left the values stored before sealing as they were (JSON as its text):
    # they open as they are until the keeper's job re-seals them.
    return keeper_for(settings, engine, SEALED_COLUMNS, legacy=in_clear)


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys dispatch`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
