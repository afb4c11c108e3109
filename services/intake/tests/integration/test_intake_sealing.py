"""What the database itself holds: no ID number in clear, before or after the migration."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select, text

from contracts.privacy import find_id_numbers
from devstack.infra import Infra
from intake.adapters.sealing import Vault
from intake.orm import person
from intake.settings import DEV_ID_NUMBER_KEY

pytestmark = pytest.mark.integration


async def test_the_person_table_holds_no_id_number_in_clear(intake: Any) -> None:
    body = intake.body()
    number = body["applicant"]["id_number"]
    await intake.submit(body)
    async with intake.db() as session:
        raw = (await session.execute(text("select * from person"))).all()
        found = await session.execute(
            select(person.c.id_number).where(person.c.id_number_index == number)
        )
        assert found.scalar_one() == number  # the service still reads the number
    dumped = " ".join(str(value) for row in raw for value in row)
    assert number not in dumped and find_id_numbers(dumped) == []


def alembic(repo_root: Path, url: str, target: str) -> None:
    ini = repo_root / "services/intake/alembic.ini"
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", target],
        env={"DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


async def test_the_migration_seals_the_numbers_stored_before_it(
    infra: Infra, repo_root: Path, intake: Any
) -> None:
    url = infra.create_database(f"intake_seal_{uuid.uuid4().hex[:8]}")
    alembic(repo_root, url, "0003")
    number = intake.new_id_number()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "insert into person (person_id, id_number, name) values ($1, $2, '张桂英')",
            uuid.uuid4(),
            number,
        )
        alembic(repo_root, url, "head")
        sealed, index = await conn.fetchrow("select id_number, id_number_index from person")
    finally:
        await conn.close()
    vault = Vault.from_secret(DEV_ID_NUMBER_KEY)
    assert sealed != number and vault.open(sealed) == number and index == vault.index(number)
