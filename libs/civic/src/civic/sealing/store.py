"""The ring's rows in the service's own database: wrapped keys, rotation and retirement.

Only wrapped keys are stored (``civic.sealing.master``). A key seals new values from its
``active_from``; ``rotate`` sets that a little in the future (``lead``), so every instance
has loaded the new key before any instance seals with it, and values sealed by one
instance always open in the others.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, LargeBinary, MetaData, Table, Text, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from civic.sealing.ciphers import Algorithm, new_key
from civic.sealing.keyring import DataKey, KeyRing, LegacyOpener
from civic.sealing.master import MasterKeys

#: When a service's first data key seals from. Nothing was sealed before it, so it may as
#: well have always been in force: a clock set back (a test, a replay of old days) still
#: finds a key to seal with. Later keys start when ``rotate`` says.
FIRST_KEY_FROM = datetime(2000, 1, 1, tzinfo=UTC)
#: A number every instance agrees on, so only one creates the first keys.
_FIRST_KEYS_LOCK = 0x5EA1


def define_sealing_keys(metadata: MetaData) -> Table:
    """The ``sealing_key`` table in ``metadata`` (a service's ORM and its migration)."""
    return Table(
        "sealing_key",
        metadata,
        Column("key_id", Text, primary_key=True),
        Column("kind", Text, nullable=False),  # data | index
        Column("purpose", Text),  # an index key's field
        Column("algorithm", Text, nullable=False),
        Column("master_key_id", Text, nullable=False),
        Column("wrapped", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("active_from", DateTime(timezone=True), nullable=False),
        Column("retired_at", DateTime(timezone=True)),
    )


_keys = define_sealing_keys(MetaData())


@dataclass(frozen=True)
class KeyRow:
    """One stored key as operators see it (never its material)."""

    key_id: str
    kind: str
    purpose: str | None
    algorithm: str
    master_key_id: str
    active_from: datetime
    retired_at: datetime | None


def _new_key_id(now: datetime) -> str:
    return f"k{now:%Y%m%d%H%M%S}{secrets.token_hex(2)}"


async def _insert(
    conn: AsyncConnection, master: MasterKeys, row: dict[str, object], material: bytes
) -> None:
    master_id, wrapped = master.wrap(material, key_id=str(row["key_id"]))
    await conn.execute(_keys.insert().values(**row, master_key_id=master_id, wrapped=wrapped))


async def ensure_first_keys(
    engine: AsyncEngine,
    master: MasterKeys,
    *,
    algorithm: Algorithm,
    index_purposes: Sequence[str],
    adopted_index_keys: Mapping[str, bytes],
    now: datetime,
) -> None:
    """Creates the first data key and any missing index key (once, whatever the instances)."""
    async with engine.begin() as conn:
        await conn.execute(select(func.pg_advisory_xact_lock(_FIRST_KEYS_LOCK)))
        stored = (await conn.execute(select(_keys.c.kind, _keys.c.purpose))).all()
        times = {"created_at": now, "active_from": FIRST_KEY_FROM}
        if not any(kind == "data" for kind, _ in stored):
            row = {"key_id": _new_key_id(now), "kind": "data", "algorithm": algorithm, **times}
            await _insert(conn, master, row, new_key(algorithm))
        for purpose in set(index_purposes) - {purpose for _, purpose in stored}:
            # An index key is never rotated: a new one would lose every row's index.
            material = adopted_index_keys.get(purpose) or os.urandom(32)
            row = {"key_id": f"index-{purpose}", "kind": "index", "purpose": purpose}
            await _insert(conn, master, {**row, "algorithm": "hmac-sha256", **times}, material)


async def load_ring(
    engine: AsyncEngine, master: MasterKeys, *, now: datetime, legacy: LegacyOpener | None
) -> KeyRing:
    """The ring of every key not retired, unwrapped."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(_keys).where(_keys.c.retired_at.is_(None)))).all()
    data, index = [], {}
    for row in rows:
        material = master.unwrap(row.wrapped, key_id=row.key_id, master_id=row.master_key_id)
        if row.kind == "index":
            index[row.purpose] = material
        else:
            data.append(DataKey(row.key_id, Algorithm(row.algorithm), material, row.active_from))
    return KeyRing(data, index_keys=index, now=now, legacy=legacy)


async def list_keys(engine: AsyncEngine) -> list[KeyRow]:
    """Every key, oldest first, without material."""
    columns = [c for c in _keys.c if c.name not in {"wrapped", "created_at"}]
    async with engine.connect() as conn:
        rows = (await conn.execute(select(*columns).order_by(_keys.c.active_from))).all()
    return [KeyRow(**row._mapping) for row in rows]


async def add_data_key(
    engine: AsyncEngine, master: MasterKeys, *, algorithm: Algorithm, active_from: datetime
) -> str:
    """Stores a new data key that seals from ``active_from``; returns its id."""
    key_id = _new_key_id(active_from)
    row = {"key_id": key_id, "kind": "data", "algorithm": algorithm}
    async with engine.begin() as conn:
        times = {"created_at": func.now(), "active_from": active_from}
        await _insert(conn, master, {**row, **times}, new_key(algorithm))
    return key_id


async def mark_retired(engine: AsyncEngine, key_id: str, *, now: datetime) -> None:
    """Takes the key out of every ring (its wrapped material stays for the audit trail)."""
    async with engine.begin() as conn:
        await conn.execute(_keys.update().where(_keys.c.key_id == key_id).values(retired_at=now))


def rotation_lead(refresh: timedelta) -> timedelta:
    """How far ahead a new key becomes active: two refreshes of every instance's ring."""
    return refresh * 2
