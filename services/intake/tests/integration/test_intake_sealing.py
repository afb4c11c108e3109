"""What the database itself holds: no ID number in clear, each value bound to its person's row
under a data key, and numbers sealed before data keys re-sealed without losing anyone."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select, text

from civic import sealing
from civic.db import make_engine
from civic.sealing.ciphers import SealBroken
from civic.sealing.keyring import SEALED_VALUE, key_id_of
from civic.sealing.master import make_first_master_key
from contracts.privacy import find_id_numbers
from devstack.infra import Infra
from devstack.pytest_plugin import civic_keys, migrate
from intake.adapters.legacy_sealing import Vault
from intake.adapters.sealing import id_number_index, make_keeper, open_id_number
from intake.orm import person
from intake.settings import DEV_ID_NUMBER_KEY, Settings

pytestmark = pytest.mark.integration


async def test_the_person_table_holds_no_id_number_in_clear(intake: Any) -> None:
    body = intake.body()
    number = body["applicant"]["id_number"]
    await intake.submit(body)
    async with intake.db() as session:
        raw = (await session.execute(text("select * from person"))).all()
        found = await session.execute(
            select(person.c.person_id, person.c.id_number).where(
                person.c.id_number_index == id_number_index(number)
            )
        )
        person_id, sealed = found.one()
    assert sealed.startswith("s1.") and key_id_of(sealed) == sealing.ring().active.key_id
    assert open_id_number(sealed, person_id=person_id) == number  # the service still reads it
    # The blind index is a keyed digest: among the thousands of rows the import test adds,
    # its hex has runs of eighteen digits that look like ID numbers and are none.
    dumped = " ".join(
        str(value)
        for row in raw
        for column, value in row._mapping.items()
        if column != "id_number_index"
    )
    clear = SEALED_VALUE.sub(" ", dumped)  # ciphertext's random digits are no data
    assert number not in dumped and find_id_numbers(clear) == []


async def test_the_applicant_phone_and_a_discovered_situation_are_sealed(intake: Any) -> None:
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    situation = f"独居，患慢性病，需要照料 {uuid.uuid4().hex[:6]}"
    body = intake.body()
    body["applicant"]["phone"] = phone
    created = await intake.submit(body)
    report = {
        "person": {"name": "王秀兰", "id_number": intake.new_id_number()},
        "category": "dibao",
        "special_conditions": ["disabled_elder"],
        "need_categories": ["life_care"],
        "requested_item_codes": ["HC-01"],
        "situation_zh": situation,
        "village_code": "341702100201",
    }
    coordinator = intake.auth(["coordinator"], division="341702100201")
    found = await intake.client.post("/discoveries", json=report, headers=coordinator)
    assert found.status_code == 201, found.text
    async with intake.db() as session:
        raw = [
            *(await session.execute(text("select * from application"))).all(),
            *(await session.execute(text("select * from discovery"))).all(),
        ]
    dumped = " ".join(str(value) for row in raw for value in row)
    assert phone not in dumped and situation not in dumped
    officer = intake.auth(["township_officer"], division="341702100")
    read = await intake.client.get(f"/applications/{created['application_id']}", headers=officer)
    assert read.json()["applicant"]["phone_masked"] == phone[:3] + "****" + phone[-4:]


async def test_a_number_copied_into_another_persons_row_does_not_open(intake: Any) -> None:
    first, second = intake.body(), intake.body()
    await intake.submit(first)
    await intake.submit(second)
    numbers = [first["applicant"]["id_number"], second["applicant"]["id_number"]]
    async with intake.db() as session:
        rows = (
            await session.execute(
                select(person.c.person_id, person.c.id_number).where(
                    person.c.id_number_index.in_([id_number_index(n) for n in numbers])
                )
            )
        ).all()
    (one_id, one_value), (other_id, _) = rows
    with pytest.raises(SealBroken):
        open_id_number(one_value, person_id=other_id)
    assert open_id_number(one_value, person_id=one_id) in numbers


async def _legacy_database(infra: Infra, repo_root: Path, number: str) -> str:
    """A database whose one person was stored in clear, then sealed by migration 0004."""
    url = infra.create_database(f"intake_seal_{uuid.uuid4().hex[:8]}")
    migrate(repo_root, "intake", url, "0003")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "insert into person (person_id, id_number, name) values ($1, $2, '张桂英')",
            uuid.uuid4(),
            number,
        )
    finally:
        await conn.close()
    migrate(repo_root, "intake", url, "head")
    return url


async def test_numbers_sealed_before_data_keys_are_resealed_and_still_found(
    infra: Infra, repo_root: Path, intake: Any, service_env: Any, tmp_path: Path
) -> None:
    number = intake.new_id_number()
    url = await _legacy_database(infra, repo_root, number)
    engine = make_engine(url, pool_size=2)
    make_first_master_key(tmp_path)
    own = service_env(
        "intake",
        database_url=url,
        id_number_key_file=None,
        id_number_key=DEV_ID_NUMBER_KEY,  # what migration 0004 sealed with
        sealing_master_keys_dir=tmp_path,
    )
    settings = Settings(**own)
    # This database's keeper: its ring is held by this test only, never made the process's
    # (the session's intake keeps sealing with its own meanwhile).
    keeper = replace(make_keeper(settings, engine), installs_ring=False)
    try:
        with sealing.holding(await keeper.start()) as ring:
            async with engine.connect() as conn:
                before = (await conn.execute(select(person))).one()
            vault = Vault.from_secret(DEV_ID_NUMBER_KEY)
            assert key_id_of(before.id_number) == "legacy"
            assert vault.open(before.id_number) == number
            # The adopted index key finds the person as migration 0004 indexed them.
            assert before.id_number_index == id_number_index(number)
            assert await keeper.legacy_values() == 1
            assert await keeper.reseal() == 1 and await keeper.legacy_values() == 0
            async with engine.connect() as conn:
                after = (await conn.execute(select(person))).one()
            assert key_id_of(after.id_number) == ring.active.key_id
            assert open_id_number(after.id_number, person_id=after.person_id) == number
            assert after.id_number_index == before.id_number_index
        listed = civic_keys("intake", "status", env=own)
        assert ring.active.key_id in listed and "旧格式\t0" in listed
    finally:
        await engine.dispose()
