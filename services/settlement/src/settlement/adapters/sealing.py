"""Providers' bank accounts, sealed under settlement's data keys.

A payee's account number and account name tell where money goes and, for a neighbour
helper paid a yearly subsidy, name a person: each is ``civic.sealing`` ciphertext bound to
its row (the provider code) and its field, so a copy of the database without the master key
shows neither, and a value copied into another row does not open. The last four digits are
kept beside them in clear for masked answers; no SQL filters on the sealed columns. Keys,
rotation and the master key: ``docs/keys.md``. The repository seals on write and opens on
read through ``seal_values`` and ``open_values``; the domain never sees ciphertext.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from civic.db import make_engine
from civic.sealing import open_text, seal_text
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, keeper_for
from settlement.settings import Settings

#: Every column settlement seals (the keeper re-seals them after a rotation).
SEALED_COLUMNS = (
    SealedColumn(
        "provider_bank_account", "provider_code", "account_no", "settlement.account.number"
    ),
    SealedColumn(
        "provider_bank_account", "provider_code", "account_name", "settlement.account.name"
    ),
)
_OF_TABLE = {
    name: {s.column: s.purpose for s in SEALED_COLUMNS if s.table == name}
    for name in {s.table for s in SEALED_COLUMNS}
}


def seal_values(table: str, values: Mapping[str, Any], *, row: object) -> dict[str, Any]:
    """``values`` to write into ``table``'s ``row``, each sealed column sealed (None stays)."""
    sealed = dict(values)
    for column, purpose in _OF_TABLE.get(table, {}).items():
        if sealed.get(column) is not None:
            sealed[column] = seal_text(sealed[column], purpose=purpose, row=row)
    return sealed


def open_values(table: str, values: Mapping[Any, Any], *, row: object) -> dict[str, Any]:
    """``values`` read from ``table``'s ``row``, each sealed column opened (None stays)."""
    opened = dict(values)
    for column, purpose in _OF_TABLE.get(table, {}).items():
        if opened.get(column) is not None:
            opened[column] = open_text(opened[column], purpose=purpose, row=row)
    return opened


def make_keeper(settings: Settings, engine: AsyncEngine) -> KeyKeeper:
    """settlement's keys: its master keys and its sealed columns."""
    return keeper_for(settings, engine, SEALED_COLUMNS)


def keeper_from_environment() -> KeyKeeper:
    """The keeper ``civic-keys settlement`` works with (the service's own environment)."""
    settings = Settings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_dsn(), pool_size=2)
    return make_keeper(settings, engine)
