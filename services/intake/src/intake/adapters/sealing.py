"""ID numbers at rest: sealed under intake's data keys and found by a blind index.

An ID number is sensitive personal information (PIPL art. 28). The person table keeps it
only as ``civic.sealing`` ciphertext bound to the person's row, plus a keyed hash
(``id_number_index``) to find a person by number and keep one row per number; a copy of
the database without the master key shows neither. Keys, rotation and the master key are
described in ``docs/keys.md``; the repositories call the three functions below.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.db import make_engine
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from intake.adapters.legacy_sealing import Vault, legacy_opener
from intake.settings import Settings

PURPOSE = "intake.person.id_number"
#: Every column intake seals (the keeper re-seals them after a rotation).
SEALED_COLUMNS = (SealedColumn("person", "person_id", "id_number", PURPOSE),)


def seal_id_number(id_number: str, *, person_id: uuid.UUID) -> str:
    """The number sealed for this person's row (it opens in no other row)."""
    return sealing.ring().seal(id_number, purpose=PURPOSE, row=str(person_id))


def open_id_number(sealed: str, *, person_id: uuid.UUID) -> str:
    """The number a person's row holds."""
    return sealing.ring().open(sealed, purpose=PURPOSE, row=str(person_id))


def id_number_index(id_number: str) -> str:
    """The blind index: equal numbers give equal indexes; it cannot be reversed."""
    return sealing.ring().index(id_number, purpose=PURPOSE)


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """intake's keys: its master keys, its sealed column, and the pre-ring key if still set."""
    old_key = settings.legacy_id_number_key()
    vault = Vault.from_secret(old_key) if old_key else None
    return keeper_for(
        settings,
        engine,
        SEALED_COLUMNS,
        index_purposes=(PURPOSE,),
        legacy=legacy_opener(vault) if vault else None,
        # Persons indexed before the ring stay findable by number.
        adopted_index_keys={PURPOSE: vault.index_key} if vault else {},
    )


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys intake`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
