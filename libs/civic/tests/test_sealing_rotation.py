"""Key rotation against a real PostgreSQL, while values are written and read: every value
keeps opening, the re-seal moves all of them to the new key, and the old key is retired
only when nothing uses it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, Table, Text, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from civic import clock, sealing
from civic.db import make_engine
from civic.sealing.ciphers import Algorithm
from civic.sealing.columns import SealedColumn
from civic.sealing.keeper import KeyKeeper, RetireRefused
from civic.sealing.keyring import key_id_of
from civic.sealing.master import FileMasterKeys, make_first_master_key
from civic.sealing.store import define_sealing_keys
from devstack.infra import Infra

pytestmark = pytest.mark.integration

PURPOSE = "test.person.phone"
tables = MetaData()
define_sealing_keys(tables)
person = Table("person", tables, Column("person_id", Text, primary_key=True), Column("phone", Text))
COLUMN = SealedColumn("person", "person_id", "phone", PURPOSE)


class MovableTime:
    """The one clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.at = datetime(2026, 12, 5, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
async def engine(infra: Infra) -> AsyncIterator[AsyncEngine]:
    url = infra.create_database(f"civic_{uuid.uuid4().hex[:10]}")
    engine = make_engine(url, pool_size=6)
    async with engine.begin() as conn:
        await conn.run_sync(tables.create_all)
    yield engine
    await engine.dispose()


def _keeper(engine: AsyncEngine, folder: Path, algorithm: Algorithm) -> KeyKeeper:
    make_first_master_key(folder)
    return KeyKeeper(
        engine, FileMasterKeys(folder), (COLUMN,), index_purposes=(PURPOSE,), algorithm=algorithm
    )


async def _write(engine: AsyncEngine, count: int) -> list[str]:
    rows = []
    for n in range(count):
        row = f"p-{uuid.uuid4()}"
        phone = f"139{n:08d}"
        rows.append(row)
        async with engine.begin() as conn:
            sealed = sealing.ring().seal(phone, purpose=PURPOSE, row=row)
            await conn.execute(insert(person).values(person_id=row, phone=sealed))
    return rows


async def _all_open(engine: AsyncEngine) -> dict[str, str]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(person))).all()
    ring = sealing.ring()
    return {row.person_id: ring.open(row.phone, purpose=PURPOSE, row=row.person_id) for row in rows}


@pytest.mark.parametrize("new_algorithm", list(Algorithm))
async def test_rotation_under_writes_reseals_everything_and_retires_the_old_key(
    engine: AsyncEngine, tmp_path: Path, new_algorithm: Algorithm
) -> None:
    time = MovableTime()
    with clock.using(clock.Clock(time)):
        keeper = _keeper(engine, tmp_path, Algorithm.AES_256_GCM)
        old = (await keeper.start()).active.key_id
        await _write(engine, 120)
        new = await keeper.rotate(algorithm=new_algorithm)
        assert (await keeper.reload()).active.key_id == old  # not before every instance knows
        with pytest.raises(RetireRefused, match="仍在加密新数据"):
            await keeper.retire(old)

        time.at += timedelta(minutes=1)  # the new key's start (two refreshes) has passed
        writers = asyncio.gather(*(_write(engine, 40) for _ in range(3)))
        resealed = await keeper.reseal(batch=25)
        await writers
        assert (await keeper.reload()).active.key_id == new
        await keeper.reseal(batch=25)  # what the writers wrote before they saw the new key
        opened = await _all_open(engine)
        assert len(opened) == 240 and all(phone.startswith("139") for phone in opened.values())
        async with engine.connect() as conn:
            stored = (await conn.execute(select(person.c.phone))).scalars().all()
        assert {key_id_of(value) for value in stored} == {new} and resealed >= 120
        with pytest.raises(RetireRefused, match="仍在加密新数据"):
            await keeper.retire(old)  # an instance that has not reloaded may still seal with it
        time.at += timedelta(minutes=1)  # two refreshes since the new key began: all use it
        await keeper.retire(old)
        assert old not in (await keeper.reload()).key_ids
        assert len(await _all_open(engine)) == 240


async def test_a_key_still_used_by_a_row_cannot_be_retired(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    time = MovableTime()
    with clock.using(clock.Clock(time)):
        keeper = _keeper(engine, tmp_path, Algorithm.SM4_GCM)
        old = (await keeper.start()).active.key_id
        await _write(engine, 3)
        await keeper.rotate()
        time.at += timedelta(minutes=5)
        with pytest.raises(RetireRefused, match="仍有 3 个值使用密钥"):
            await keeper.retire(old)
        status = {row.key_id: uses for row, uses in await keeper.status()}
        assert status[old] == 3
        with pytest.raises(RetireRefused, match="没有可停用的数据密钥"):
            await keeper.retire(f"index-{PURPOSE}")


async def test_instances_starting_together_make_one_first_key(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    keepers = [_keeper(engine, tmp_path, Algorithm.AES_256_GCM) for _ in range(4)]
    rings = await asyncio.gather(*(keeper.start() for keeper in keepers))
    assert len({ring.active.key_id for ring in rings}) == 1
    assert len({ring.index("x", purpose=PURPOSE) for ring in rings}) == 1
