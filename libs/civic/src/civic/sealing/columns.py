"""The sealed columns of a service: re-sealing them under the active key, counting key use."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnClause, ColumnElement, TableClause, column, func, not_, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from civic.sealing.keyring import LEGACY, PREFIX, KeyRing


@dataclass(frozen=True)
class SealedColumn:
    """A column whose values are sealed, and the row key bound into each value."""

    table: str
    row_key: str
    column: str
    purpose: str
    binary: bool = False  # sealed with ``seal_bytes`` (document content)

    def _parts(self) -> TableClause:
        return table(self.table, column(self.row_key), column(self.column))


def _pattern(key_id: str) -> str:
    return f"{PREFIX}.%" if key_id == LEGACY else f"{PREFIX}.{key_id}.%"


def _uses(sealed: SealedColumn, key_id: str) -> ColumnElement[bool]:
    value: ColumnClause[str] = column(sealed.column)
    if key_id == LEGACY:
        return value.is_not(None) & not_(value.like(_pattern(LEGACY)))
    return value.like(_pattern(key_id))


async def reseal_batch(
    engine: AsyncEngine, ring: KeyRing, sealed: SealedColumn, *, batch: int = 200
) -> int:
    """Re-seals up to ``batch`` rows not under the active key; returns how many it did."""
    rows_of = sealed._parts()
    key, value = rows_of.c[sealed.row_key], rows_of.c[sealed.column]
    stale = value.is_not(None) & not_(value.like(_pattern(ring.active.key_id)))
    pick = select(key, value).where(stale).order_by(key).limit(batch)
    async with engine.begin() as conn:
        rows = (await conn.execute(pick.with_for_update(skip_locked=True))).all()
        for row_key, old in rows:
            fresh = _reseal(ring, sealed, old, row=str(row_key))
            await conn.execute(rows_of.update().where(key == row_key).values({value: fresh}))
    return len(rows)


def _reseal(ring: KeyRing, sealed: SealedColumn, old: str, *, row: str) -> str:
    if sealed.binary:
        content = ring.open_bytes(old, purpose=sealed.purpose, row=row)
        return ring.seal_bytes(content, purpose=sealed.purpose, row=row)
    plain = ring.open(old, purpose=sealed.purpose, row=row)
    return ring.seal(plain, purpose=sealed.purpose, row=row)


async def rows_using(engine: AsyncEngine, columns: tuple[SealedColumn, ...], key_id: str) -> int:
    """How many values in ``columns`` are sealed under ``key_id``."""
    total = 0
    async with engine.connect() as conn:
        for sealed in columns:
            count = select(func.count()).select_from(sealed._parts()).where(_uses(sealed, key_id))
            total += (await conn.execute(count)).scalar_one()
    return total
