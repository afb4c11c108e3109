"""What review's database itself holds: no assessment note, change or emergency reason,
refusal, city report or officer's note in clear; each value bound to its row; the answers
kept for Idempotency-Keys hold ids only; and rows stored before sealing re-sealed by the
keeper without changing what the service reads."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from civic import clock, sealing
from civic.db import make_engine
from civic.sealing.ciphers import SealBroken
from civic.sealing.keyring import key_id_of
from civic.sealing.master import make_first_master_key
from devstack.infra import Infra
from devstack.pytest_plugin import civic_keys, migrate
from review.adapters.sealing import SEALED_COLUMNS, make_keeper, open_text, open_values
from review.orm import metadata, service_change
from review.settings import Settings

from .conftest import TOWNSHIP, approve_body

pytestmark = pytest.mark.integration

NOTES = "右腿截肢后行动不便，女儿在外务工"
REASON = "近期中风，左侧偏瘫"
NOTE = "复评：卧床不起，需每日翻身"
REFUSAL = "其子已辞职回家照料"
EMERGENCY = "独居老人夜间摔倒骨折，家中无人照料"
CITY_REASON = "户籍迁往外省投靠女儿"
CITY_NOTE = "经入户核实本人仍在本村居住"
PRELIMINARY = "未见肾透析病历"
#: Everything the tests enter that must not be readable in a copy of the database.
PRIVATE = (NOTES, REASON, NOTE, REFUSAL, EMERGENCY, CITY_REASON, CITY_NOTE, PRELIMINARY)
#: The tables holding sealed columns, and the stored answers to Idempotency-Keys.
TABLES = (*sorted({s.table for s in SEALED_COLUMNS}), "idempotency_record")
ITEM = {"frequency": {"times": 2, "per": "week"}, "funding_source": "other_service_aid"}


def keyed(review: Any, **auth: str) -> dict[str, str]:
    """An officer's (or ``auth``'s) headers with a fresh Idempotency-Key."""
    return {**review.auth(**auth), "Idempotency-Key": f"seal-{uuid.uuid4()}"}


async def dump(engine: AsyncEngine, *tables: str) -> str:
    """Every value of the tables as text, as ``pg_dump`` would show it."""
    async with engine.connect() as conn:
        rows = [
            row for table in tables for row in await conn.execute(text(f"select * from {table}"))
        ]
    return " ".join(str(value) for row in rows for value in row)


async def twice(review: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    """POSTs ``body`` and its retry with the same key; both answer alike; returns the answer."""
    first = await review.client.post(url, json=body, headers=headers)
    assert first.is_success, first.text
    again = await review.client.post(url, json=body, headers=headers)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    return first.json()


async def approved(review: Any, story: Callable[..., Any]) -> Any:
    """A recipient approved with assessment notes (retried with the same key)."""
    s = story()
    await review.file(s, s.catalogue(), s.registered(), s.completed(), s.passed())
    needs = ["life_care", "cleaning"]
    assessment = {"self_care_level": "severe", "need_categories": needs, "notes": NOTES}
    body = approve_body(need_assessment=assessment)
    decided = await twice(review, f"/applications/{s.application_id}/decision", body, keyed(review))
    s.recipient_id = uuid.UUID(decided["recipient_id"])
    return s


async def refused_change(review: Any, s: Any) -> str:
    """A change with a reason and a re-assessment note, refused with a reason."""
    change = {"action": "add", "item_code": "HC-01", "mode": "government_purchase", **ITEM}
    body = {
        "changes": [change],
        "reason_code": "needs_changed",
        "reason_zh": REASON,
        "note_zh": NOTE,
        "effective_date": clock.today().isoformat(),
    }
    staff = keyed(review, role="village_staff", division=s.village_code)
    filed = await twice(review, f"/recipients/{s.recipient_id}/service-changes", body, staff)
    assert (filed["reason_zh"], filed["note_zh"]) == (REASON, NOTE)
    url = f"/service-changes/{filed['change_id']}/decision"
    refused = await twice(review, url, {"decision": "refuse", "reason_zh": REFUSAL}, keyed(review))
    assert refused["refusal_zh"] == REFUSAL
    return str(filed["change_id"])


async def emergency(review: Any, story: Callable[..., Any]) -> str:
    """Emergency care opened (and retried) with its reason; returns the recipient id."""
    s = story()
    await review.file(s, s.catalogue(), s.registered(), status="awaiting_survey")
    body = {
        "application_id": str(s.application_id),
        "items": [{"item_code": "LC-03", "mode": "government_purchase", **ITEM}],
        "reason_zh": EMERGENCY,
    }
    coordinator = keyed(review, role="coordinator", division=TOWNSHIP)
    opened = await twice(review, "/emergencies", body, coordinator)
    assert opened["reason_zh"] == EMERGENCY
    return str(opened["recipient_id"])


async def rejected_report(review: Any, s: Any) -> str:
    """A city stop with its reason, held and rejected with the officer's note."""
    await review.publish(s.city_report("stopped", reason_zh=CITY_REASON))
    url = f"/townships/{s.township_code}/city-reports"

    async def held() -> Any:
        got = await review.client.get(url, params={"size": 100}, headers=review.auth())
        return next(
            (r for r in got.json()["items"] if r["recipient_id"] == str(s.recipient_id)), None
        )

    pending = await review.until(held)
    note = {"reason_zh": CITY_NOTE}
    rejected = await review.decide_city_report(pending["report_id"], "reject", json=note)
    assert rejected.status_code == 200, rejected.text
    return str(pending["report_id"])


async def test_review_a_copy_of_the_database_shows_no_note_or_reason_in_clear(
    review: Any, story: Callable[..., Any]
) -> None:
    s = await approved(review, story)
    change_id = await refused_change(review, s)
    recipient_id = await emergency(review, story)
    report_id = await rejected_report(review, s)

    dumped = await dump(review.engine, *TABLES)
    assert [p for p in PRIVATE if p in dumped] == []
    async with review.engine.connect() as conn:
        stmt = select(service_change.c.reason_zh).where(service_change.c.change_id == change_id)
        sealed = (await conn.execute(stmt)).scalar_one()
    assert key_id_of(sealed) == sealing.ring().active.key_id

    # The service still reads all of it.
    case = await review.case(s.application_id)
    assert case.json()["need_assessment"]["notes"] == NOTES
    got = await review.client.get(f"/service-changes/{change_id}", headers=review.auth())
    assert (got.json()["reason_zh"], got.json()["note_zh"], got.json()["refusal_zh"]) == (
        REASON,
        NOTE,
        REFUSAL,
    )
    got = await review.client.get(f"/emergencies/{recipient_id}", headers=review.auth())
    assert got.json()["reason_zh"] == EMERGENCY
    got = await review.client.get(
        f"/townships/{s.township_code}/city-reports",
        params={"state": "rejected", "size": 100},
        headers=review.auth(),
    )
    [mine] = [r for r in got.json()["items"] if r["report_id"] == report_id]
    assert (mine["reason_zh"], mine["decision_note"]) == (CITY_REASON, CITY_NOTE)


async def test_review_a_value_copied_into_another_row_or_field_does_not_open(
    review: Any, story: Callable[..., Any]
) -> None:
    s = await approved(review, story)
    one, other = [uuid.UUID(await refused_change(review, s)) for _ in "ab"]
    purposes = {s.column: s.purpose for s in SEALED_COLUMNS if s.table == "service_change"}
    async with review.engine.connect() as conn:
        stmt = select(service_change.c.reason_zh).where(service_change.c.change_id == one)
        sealed = (await conn.execute(stmt)).scalar_one()
    assert open_text(sealed, purpose=purposes["reason_zh"], row=one) == REASON
    with pytest.raises(SealBroken):
        open_text(sealed, purpose=purposes["reason_zh"], row=other)
    with pytest.raises(SealBroken):  # nor in another column of its own row
        open_text(sealed, purpose=purposes["note_zh"], row=one)


_ROWS = (
    "insert into review_case (application_id, person_id, status, preliminary)"
    " values ($1, $2, 'awaiting_registration', $3::jsonb)",
    "insert into recipient (recipient_id, person_id, application_id, household_id, category,"
    " special_conditions, need_categories, county_code, township_code, village_code,"
    " display_name, status, status_version, status_effective_date, admitted_on, approved_by,"
    " approved_at) values ($1, $2, $3, $4, 'dibao', '{}', '{life_care}', '341702',"
    " '341702100', '341702100201', '王*英', 'active', 1, $5, $5, 'u-officer', $6)",
    "insert into needs_assessment (application_id, recipient_id, self_care_level,"
    " need_categories, notes, assessed_by, assessed_at)"
    " values ($1, $2, 'severe', '{life_care}', $3, 'u-officer', $4)",
    "insert into service_change (change_id, recipient_id, person_id, county_code,"
    " township_code, village_code, state, source, reason_code, reason_zh, effective_date,"
    " changes, note_zh, county_decides, requested_by, requested_at, refusal_zh)"
    " values ($1, $2, $3, '341702', '341702100', '341702100201', 'refused', 'village_staff',"
    " 'needs_changed', $4, $5, '[]'::jsonb, $6, false, 'u-staff', $7, $8)",
    "insert into emergency_care (recipient_id, application_id, person_id, county_code,"
    " township_code, village_code, state, days, reason_zh, medical_institution_needed,"
    " opened_by, opened_at, deadline_at, temporary_until) values ($1, $2, $3, '341702',"
    " '341702100', '341702100201', 'open', 30, $4, false, 'u-coordinator', $5, $5, $6)",
    "insert into city_report (report_id, external_reference, event_id, person_id, county_code,"
    " township_code, status, effective_date, city_reason_code, reason_zh, report, state,"
    " received_at, decision_note) values ($1, $2, $3, $4, '341702', '341702100', 'stopped',"
    " $5, 'TB01', $6, $7::jsonb, 'rejected', $8, $9)",
    "insert into idempotency_record (scope, key, request_hash, status_code, response)"
    " values ($1, 'k-legacy', 'h', 201, $2::jsonb)",
)


async def _stored_in_clear(url: str, story: Callable[..., Any]) -> dict[str, uuid.UUID]:
    """One row of each sealed table as review stored them before sealing (in clear)."""
    s, now, ids = story(), datetime.now(UTC), {"change": uuid.uuid4(), "report": uuid.uuid4()}
    prelim = s.failed(reason_zh=PRELIMINARY).model_dump(mode="json")
    report = s.city_report("stopped", reason_zh=CITY_REASON)
    answer = {"change_id": str(ids["change"]), "reason_zh": REASON, "note_zh": NOTE}
    person, app, rid, day = s.person_id, s.application_id, uuid.uuid4(), now.date()
    city = (CITY_REASON, report.model_dump_json(), now, CITY_NOTE)
    values = (
        (app, person, json.dumps(prelim)),
        (rid, person, app, s.household_id, day, now),
        (app, rid, NOTES, now),
        (ids["change"], rid, person, REASON, day, NOTE, now, REFUSAL),
        (rid, app, person, EMERGENCY, now, day + timedelta(days=30)),
        (ids["report"], report.external_reference, report.event_id, person, day, *city),
        (f"review.service-change:{rid}", json.dumps(answer)),
    )
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for statement, row in zip(_ROWS, values, strict=True):
            await conn.execute(statement, *row)
    finally:
        await conn.close()
    return {"application": app, "recipient": rid, **ids}


async def _read(engine: AsyncEngine) -> dict[str, Any]:
    """Every sealed value in the database as the service reads it (through ``ring()``)."""
    found: dict[str, Any] = {}
    async with engine.connect() as conn:
        for s in SEALED_COLUMNS:
            table = metadata.tables[s.table]
            key, column = table.c[s.row_key], table.c[s.column]
            for row_key, value in await conn.execute(select(key, column)):
                opened = open_values(table, {s.column: value}, row=row_key)[s.column]
                found[f"{s.purpose}:{row_key}"] = opened
    return found


async def test_review_rows_stored_before_sealing_are_resealed_and_read_the_same(
    infra: Infra,
    repo_root: Path,
    service_env: Any,
    tmp_path: Path,
    story: Callable[..., Any],
) -> None:
    url = infra.create_database(f"review_seal_{uuid.uuid4().hex[:8]}")
    migrate(repo_root, "review", url, "0008")  # the schema before sealing
    ids = await _stored_in_clear(url, story)
    migrate(repo_root, "review", url, "head")
    engine = make_engine(url, pool_size=2)
    make_first_master_key(tmp_path)
    own = service_env("review", database_url=url, sealing_master_keys_dir=tmp_path)
    # This database's keeper: its ring is held by this test only, never made the process's.
    keeper = replace(make_keeper(Settings(**own), engine), installs_ring=False)
    try:
        with sealing.holding(await keeper.start()) as ring:
            before = await _read(engine)
            assert sorted(v for v in before.values() if isinstance(v, str)) == sorted(
                (NOTES, REASON, NOTE, REFUSAL, EMERGENCY, CITY_REASON, CITY_NOTE)
            )
            assert before[f"review.case.preliminary:{ids['application']}"]["reason_zh"] == (
                PRELIMINARY
            )
            assert await keeper.legacy_values() == 9
            assert await keeper.reseal() == 9 and await keeper.legacy_values() == 0
            assert await _read(engine) == before
        dumped = await dump(engine, *TABLES)
        assert [p for p in PRIVATE if p in dumped] == []  # the stored answer: ids only
        listed = civic_keys("review", "status", env=own)  # operators see the same from the CLI
        assert ring.active.key_id in listed and "旧格式\t0" in listed
    finally:
        await engine.dispose()
