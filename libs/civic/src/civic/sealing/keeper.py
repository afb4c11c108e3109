"""A service's keys at run time: first keys, the ring kept fresh, rotation and retirement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from civic import clock
from civic.background import every
from civic.sealing import use_ring
from civic.sealing.ciphers import Algorithm
from civic.sealing.columns import SealedColumn, reseal_batch, rows_using
from civic.sealing.keyring import LEGACY, KeyRing, LegacyOpener
from civic.sealing.master import FileMasterKeys, MasterKeys
from civic.sealing.store import (
    KeyRow,
    add_data_key,
    ensure_first_keys,
    list_keys,
    load_ring,
    mark_retired,
    rotation_lead,
)

if TYPE_CHECKING:  # settings import the ciphers of this package
    from civic.settings import ServiceSettings

#: Rows of a binary column (document content) re-sealed per transaction.
BINARY_BATCH = 4


class RetireRefused(RuntimeError):
    """A key cannot be retired yet; ``reason_zh`` says why."""

    def __init__(self, reason_zh: str) -> None:
        super().__init__(reason_zh)
        self.reason_zh = reason_zh


@dataclass
class KeyKeeper:
    """Everything a service needs to seal: its master keys, its sealed columns, its ring."""

    engine: AsyncEngine
    master: MasterKeys
    columns: tuple[SealedColumn, ...]
    index_purposes: tuple[str, ...] = ()
    algorithm: Algorithm = Algorithm.AES_256_GCM
    refresh: timedelta = timedelta(seconds=30)
    legacy: LegacyOpener | None = None
    adopted_index_keys: Mapping[str, bytes] = field(default_factory=dict)
    #: False for a keeper of another database than the process's (tests, tools in-process):
    #: its ring is returned, never made the process's.
    installs_ring: bool = True

    async def start(self) -> KeyRing:
        """Creates the first keys if the database has none, and loads the ring."""
        await ensure_first_keys(
            self.engine,
            self.master,
            algorithm=self.algorithm,
            index_purposes=self.index_purposes,
            adopted_index_keys=self.adopted_index_keys,
            now=clock.now(),
        )
        return await self.reload()

    async def reload(self) -> KeyRing:
        """Reads the ring again (a rotation elsewhere becomes known here)."""
        ring = await load_ring(self.engine, self.master, now=clock.now(), legacy=self.legacy)
        if self.installs_ring:
            use_ring(ring)
        return ring

    async def reseal(self, *, batch: int = 200, most: int = 10_000) -> int:
        """Re-seals up to ``most`` values not under the active key; returns how many."""
        ring, done = await self.reload(), 0
        for sealed in self.columns:
            # A document can be megabytes: a few per transaction keep memory bounded.
            rows = min(batch, BINARY_BATCH) if sealed.binary else batch
            while done < most and (
                step := await reseal_batch(self.engine, ring, sealed, batch=rows)
            ):
                done += step
        return done

    async def rotate(self, *, algorithm: Algorithm | None = None) -> str:
        """Adds a data key that seals from two refreshes from now; returns its id."""
        starts = clock.now() + rotation_lead(self.refresh)
        chosen = algorithm or self.algorithm
        return await add_data_key(self.engine, self.master, algorithm=chosen, active_from=starts)

    async def retire(self, key_id: str) -> None:
        """Takes a key out of service; refused while it seals or any value still uses it."""
        keys = {row.key_id: row for row in await list_keys(self.engine)}
        await self._check_retirable(keys, key_id)
        await mark_retired(self.engine, key_id, now=clock.now())

    async def _check_retirable(self, keys: dict[str, KeyRow], key_id: str) -> None:
        row = keys.get(key_id)
        if row is None or row.kind != "data" or row.retired_at is not None:
            raise RetireRefused(f"没有可停用的数据密钥 {key_id}")
        now, lead = clock.now(), rotation_lead(self.refresh)
        superseded = any(
            other.kind == "data" and row.active_from < other.active_from <= now - lead
            for other in keys.values()
            if other.retired_at is None
        )
        if not superseded:
            raise RetireRefused(f"密钥 {key_id} 可能仍在加密新数据：须有更新的密钥已生效满 {lead}")
        if used := await rows_using(self.engine, self.columns, key_id):
            raise RetireRefused(f"仍有 {used} 个值使用密钥 {key_id}，请先完成重新加密")

    async def status(self) -> list[tuple[KeyRow, int]]:
        """Every key with how many values use it (for operators)."""
        return [(row, await self._uses(row)) for row in await list_keys(self.engine)]

    async def legacy_values(self) -> int:
        """How many values are still sealed the way they were before keys had ids."""
        return await rows_using(self.engine, self.columns, LEGACY)

    async def _uses(self, row: KeyRow) -> int:
        return await rows_using(self.engine, self.columns, row.key_id) if row.kind == "data" else 0

    async def keep(self) -> None:
        """Keeps the ring fresh and re-seals what an earlier key sealed, until cancelled."""
        await every(lambda: self.refresh.total_seconds(), self.reseal, what="密钥刷新与重新加密")


def keeper_for(
    settings: ServiceSettings,
    engine: AsyncEngine,
    columns: tuple[SealedColumn, ...],
    *,
    index_purposes: tuple[str, ...] = (),
    legacy: LegacyOpener | None = None,
    adopted_index_keys: Mapping[str, bytes] | None = None,
) -> KeyKeeper:
    """A service's keeper from its settings: master keys from files, the chosen cipher."""
    return KeyKeeper(
        engine,
        FileMasterKeys(settings.sealing_master_keys()),
        columns,
        index_purposes=index_purposes,
        algorithm=settings.sealing_algorithm,
        refresh=timedelta(seconds=settings.sealing_refresh_s),
        legacy=legacy,
        adopted_index_keys=adopted_index_keys or {},
    )
