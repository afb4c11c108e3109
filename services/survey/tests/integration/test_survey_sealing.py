"""What survey's database itself holds: no ID number, name, phone, GPS position, health,
disability, housing or income note in clear; each value bound to its task's row; and rows
stored before sealing re-sealed without changing what the service reads."""

from __future__ import annotations

import json
import random
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from civic import sealing
from civic.db import make_engine
from civic.sealing.ciphers import SealBroken
from civic.sealing.keyring import SEALED_VALUE, key_id_of
from civic.sealing.master import make_first_master_key
from contracts import resident_id
from contracts.privacy import find_id_numbers, find_phones
from devstack.infra import Infra
from devstack.pytest_plugin import civic_keys, migrate
from survey.adapters.sealing import REVIEW, SELF_CARE, make_keeper, open_json, open_text
from survey.orm import survey_findings
from survey.repository.rows import findings_of
from survey.settings import Settings

pytestmark = pytest.mark.integration
UUID_OR_SEALED = re.compile(
    r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|\d{4}-\d\d-\d\d[ T][\d:.+]+"
    # trace ids and digests: hex with a letter in it (an ID number has none but a final X)
    r"|(?<![0-9a-z])(?=[0-9a-f]{16,}(?![0-9a-z]))[0-9]*[a-f][0-9a-f]*"
)

STAFF, COORD = "u-village-21", "u-coordinator-21"
PHONE = "13905661234"
REVIEW_BODY = {
    "outcome": "passed",
    "recommended_category": "tekun",
    "recommended_conditions": ["severely_disabled"],
    "recommended_item_codes": ["LC-01"],
    "notes": f"高血压需每周随访，联系王建国{PHONE}",
}
PRIVATE = (
    "王秀英",
    "王建国",
    PHONE,
    "30.6601",
    "117.4912",
    "高血压",
    "右腿残疾",
    "土坯房",
    "低保金",
)


def id_number() -> str:
    """A valid random ID number of someone born in 贵池区 between 1940 and 1969."""
    born = f"{random.randint(1940, 1969)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    body = f"341702{born}{random.randint(0, 999):03d}"
    return body + resident_id.check_char(body)


def findings(numbers: list[str]) -> dict[str, Any]:
    return {
        "visited_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
        "location": {"latitude": 30.6601, "longitude": 117.4912, "accuracy_m": 8},
        "living_situation": {
            "lives_alone": False,
            "has_caregiver": True,
            "notes": f"土坯房，儿子王建国照料，电话{PHONE}",
        },
        "self_care_level": "severe",
        "confirmed_conditions": ["severely_disabled"],
        "health_notes": "高血压，右腿残疾",
        "household_members": [
            {"name": "王秀英", "relation": "本人", "id_number": numbers[0]},
            {"name": "王建国", "relation": "子女", "id_number": numbers[1]},
        ],
        "identity_verified": True,
        "income_assets_notes": "低保金每月620元，无存款",
        "confirmed_by": [STAFF, COORD],
    }


async def surveyed(survey: Any, numbers: list[str]) -> str:
    """A task through the API: team, findings with personal data, 初审 with notes."""
    _, task = await survey.register()
    sid = str(task["survey_id"])
    staff, coordinator = survey.auth("village_staff", STAFF), survey.auth("coordinator", COORD)
    team = {"village_staff_id": STAFF, "coordinator_id": COORD}
    assert (
        await survey.client.put(f"/survey-tasks/{sid}/team", json=team, headers=staff)
    ).is_success
    url = f"/survey-tasks/{sid}/findings/{uuid.uuid4()}"
    up = await survey.client.put(url, json=findings(numbers), headers=coordinator)
    assert up.status_code == 200, up.text
    keyed = {**staff, "Idempotency-Key": f"seal-{sid}"}
    posted = await survey.client.post(
        f"/survey-tasks/{sid}/preliminary-review", json=REVIEW_BODY, headers=keyed
    )
    assert posted.status_code == 201, posted.text
    return sid


async def dump(engine: AsyncEngine, *tables: str) -> str:
    """Every value of the tables as text, as ``pg_dump`` would show it."""
    async with engine.connect() as conn:
        rows = [
            row for table in tables for row in await conn.execute(text(f"select * from {table}"))
        ]
    return " ".join(str(value) for row in rows for value in row)


async def test_the_tables_hold_no_personal_data_in_clear(survey: Any) -> None:
    numbers = [id_number(), id_number()]
    sid = await surveyed(survey, numbers)
    dumped = await dump(
        survey.engine, "survey_findings", "preliminary_review", "survey_task", "idempotency_record"
    )
    assert [s for s in (*numbers, *PRIVATE) if s in dumped] == []
    # Ciphertext, ids and timestamps hold random digit runs shaped like phones: no data.
    clear = UUID_OR_SEALED.sub(" ", SEALED_VALUE.sub(" ", dumped))
    assert find_id_numbers(clear) == [] and find_phones(clear) == []
    async with survey.engine.connect() as conn:
        row = (
            await conn.execute(select(survey_findings).where(survey_findings.c.survey_id == sid))
        ).one()
    assert row.body.startswith("s1.") and key_id_of(row.body) == sealing.ring().active.key_id
    assert row.self_care_level.startswith("s1.")
    read = await survey.client.get(
        f"/survey-tasks/{sid}", headers=survey.auth("coordinator", COORD)
    )
    found = read.json()["findings"]  # the service still reads all of it
    assert found["health_notes"] == "高血压，右腿残疾" and found["location"]["latitude"] == 30.6601
    assert found["household_members"][1]["id_number_masked"] == resident_id.mask(numbers[1])
    assert read.json()["preliminary_review"]["notes"].endswith(PHONE)


async def test_a_retried_review_answers_the_notes_it_did_not_store_in_clear(survey: Any) -> None:
    sid = await surveyed(survey, [id_number(), id_number()])
    staff = {**survey.auth("village_staff", STAFF), "Idempotency-Key": f"seal-{sid}"}
    again = await survey.client.post(
        f"/survey-tasks/{sid}/preliminary-review", json=REVIEW_BODY, headers=staff
    )
    assert again.status_code == 201, again.text
    assert again.json()["notes"] == REVIEW_BODY["notes"] and again.json()["version"] == 4


async def test_a_value_copied_into_another_tasks_row_does_not_open(survey: Any) -> None:
    one, other = [uuid.UUID(await surveyed(survey, [id_number(), id_number()])) for _ in "ab"]
    table, key = survey_findings, survey_findings.c.survey_id
    async with survey.engine.connect() as conn:  # closed without commit: rolled back
        own = (await conn.execute(select(table).where(key == one))).one()
        assert findings_of(own).body["health_notes"] == "高血压，右腿残疾"
        copied = {"body": own.body, "self_care_level": own.self_care_level}
        await conn.execute(table.update().where(key == other).values(copied))
        theirs = (await conn.execute(select(table).where(key == other))).one()
    with pytest.raises(SealBroken):
        findings_of(theirs)
    with pytest.raises(SealBroken):
        open_text(theirs.self_care_level, purpose=SELF_CARE, row=other)
    with pytest.raises(SealBroken):  # nor in another column of its own row
        open_json(own.body, purpose=REVIEW, row=one)


_TASK = """
insert into survey_task (survey_id, application_id, person_id, household_id, county_code,
    township_code, village_code, display_name, category, special_conditions,
    requested_item_codes, need_categories, household_size, application_version, status,
    version, due_date, village_staff_id, coordinator_id, team_assigned_by, team_assigned_at,
    created_at, updated_at)
values ($1, $2, $3, $4, '341702', '341702100', '341702100201', '王*英', 'tekun', '[]', '[]',
    '[]', 2, 1, 'passed', 4, $5::timestamptz::date, $6, $7, $6, $5, $5, $5)
"""


async def _stored_in_clear(url: str, body: dict[str, Any], review: dict[str, Any]) -> uuid.UUID:
    """A task with findings and 初审 as survey stored them before sealing (JSONB, in clear)."""
    sid, now = uuid.uuid4(), datetime.now(UTC)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(_TASK, sid, uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), now, STAFF, COORD)
        await conn.execute(
            "insert into survey_findings (survey_id, submission_id, submitted_by, visited_at, "
            "self_care_level, body, received_at) values ($1, $2, $3, $4, $5, $6::jsonb, $4)",
            *(sid, uuid.uuid4(), COORD, now, body["self_care_level"], json.dumps(body)),
        )
        await conn.execute(
            "insert into preliminary_review (survey_id, outcome, body, reviewed_by, recorded_by, "
            "recorded_at) values ($1, 'passed', $2::jsonb, $3::jsonb, $4, $5)",
            *(sid, json.dumps(review), json.dumps([STAFF, COORD]), STAFF, now),
        )
    finally:
        await conn.close()
    return sid


async def _read(engine: AsyncEngine, sid: uuid.UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """The findings and the 初审 of a task as the service reads them (through ``ring()``)."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(survey_findings).where(survey_findings.c.survey_id == sid))
        ).one()
        review = (
            await conn.execute(
                text("select body from preliminary_review where survey_id = :sid"), {"sid": sid}
            )
        ).scalar_one()
    body = findings_of(row).body
    assert open_text(row.self_care_level, purpose=SELF_CARE, row=sid) == body["self_care_level"]
    return body, open_json(review, purpose=REVIEW, row=sid)


async def test_rows_stored_before_sealing_are_resealed_and_read_the_same(
    infra: Infra, repo_root: Path, service_env: Any, tmp_path: Path
) -> None:
    url = infra.create_database(f"survey_seal_{uuid.uuid4().hex[:8]}")
    migrate(repo_root, "survey", url, "0003")  # the schema before sealing
    numbers = [id_number(), id_number()]
    body, review = findings(numbers), {"outcome": "passed", "notes": f"随访{PHONE}"}
    sid = await _stored_in_clear(url, body, review)
    migrate(repo_root, "survey", url, "head")
    engine = make_engine(url, pool_size=2)
    make_first_master_key(tmp_path)
    own = service_env("survey", database_url=url, sealing_master_keys_dir=tmp_path)
    # This database's keeper: its ring is held by this test only, never made the process's
    # (the session's survey keeps sealing with its own meanwhile).
    keeper = replace(make_keeper(Settings(**own), engine), installs_ring=False)
    try:
        with sealing.holding(await keeper.start()) as ring:
            before = await _read(engine, sid)
            assert before == (body, review)  # opened in clear, as migration 0004 left them
            assert await keeper.legacy_values() == 3  # two bodies and the self-care level
            assert await keeper.reseal() == 3 and await keeper.legacy_values() == 0
            assert await _read(engine, sid) == before
        dumped = await dump(engine, "survey_findings", "preliminary_review")
        assert [s for s in (*numbers, *PRIVATE) if s in dumped] == []
        listed = civic_keys("survey", "status", env=own)  # operators see the same from the CLI
        assert ring.active.key_id in listed and "旧格式\t0" in listed
    finally:
        await engine.dispose()
