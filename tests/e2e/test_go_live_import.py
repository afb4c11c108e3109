"""Issue 20: county IT imports the existing roll at go-live with the CLI, twice.

The first run makes every good person a recipient by the normal path (RecipientImported →
review's approval → archive's file and service number, dispatch's orders, the village board,
the big-data mirror); the second run finds everyone imported and changes nothing.
"""

from __future__ import annotations

import asyncio
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from civic import clock
from civic.pseudonyms import pseudonyms_in
from civic.spreadsheet import csv_document
from contracts import topics
from contracts.bigdata import EventMirrored
from devstack.journeys import care
from devstack.journeys.application import COUNTY, VILLAGE, Case, catalogue_loaded
from devstack.journeys.db import fetch, wait_until
from devstack.journeys.kafka import TopicReader
from devstack.stack import Stack
from intake.domain.import_cells import COLUMNS

pytestmark = pytest.mark.e2e

ITEMS = "LC-03:政府购买服务:1/日:居家养老服务经费;CL-01:政府购买服务:2/月:其他服务类救助经费"


def roll(people: list[Case], bad: Case) -> str:
    """The county's roll as CSV in the template's Chinese columns; the last row is bad."""
    start = clock.today().isoformat()

    def line(case: Case, id_number: str) -> list[str]:
        cells = {
            "name": case.name,
            "id_number": id_number,
            "county_code": COUNTY,
            "township_code": VILLAGE[:9],
            "village_code": VILLAGE,
            "category": "特困人员",
            "special_conditions": "",
            "self_care_level": "moderate",
            "household_size": "1",
            "items": ITEMS,
            "effective_date": start,
        }
        return [cells[c.key] for c in COLUMNS]

    wrong = bad.id_number[:-1] + ("1" if bad.id_number[-1] != "1" else "2")
    rows = [line(c, c.id_number) for c in people] + [line(bad, wrong)]
    return csv_document([c.header_zh for c in COLUMNS], rows)


async def run_cli(stack: Stack, path: Path, token: str) -> tuple[int, str]:
    """``python -m intake.importer`` as county IT runs it; exit status and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "intake.importer",
        str(path),
        "--url",
        stack.service_url("intake"),
        "--token",
        token,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return int(process.returncode or 0), out.decode()


async def count(stack: Stack, service: str, sql: str, *args: Any) -> int:
    return int((await fetch(stack.database_url(service), sql, *args))[0]["n"])


async def effects(stack: Stack, person_ids: list[str]) -> dict[str, int]:
    """What exists for the people in each service (compared across the two runs)."""
    ids = [uuid.UUID(p) for p in person_ids]
    where = "person_id = any($1::uuid[])"
    return {
        "applications": await count(
            stack, "intake", f"select count(*) n from application where {where}", ids
        ),
        "recipients": await count(
            stack, "review", f"select count(*) n from recipient where {where}", ids
        ),
        "files": await count(
            stack, "archive", f"select count(*) n from archive_file where {where}", ids
        ),
        "orders": await count(
            stack, "dispatch", f"select count(*) n from service_order where {where}", ids
        ),
        "imported_events": await count(
            stack,
            "intake",
            "select count(*) n from outbox_message where event_type = 'intake.RecipientImported'",
        ),
    }


async def test_the_roll_imported_twice_makes_each_person_a_recipient_once(
    e2e_stack: Stack, tmp_path: Path
) -> None:
    await catalogue_loaded(e2e_stack, "intake")
    await catalogue_loaded(e2e_stack, "review")
    tag = uuid.uuid4().hex[:6]
    api = Case(e2e_stack).api
    await care.register_provider(api, f"imp-meals-{tag}", ["LC-03"], VILLAGE)
    await care.register_provider(api, f"imp-clean-{tag}", ["CL-01"], VILLAGE)
    people, bad = [Case(e2e_stack) for _ in range(4)], Case(e2e_stack)
    path = tmp_path / "存量对象.csv"
    path.write_text(roll(people, bad), encoding="utf-8")
    token = api.token(roles=["admin"], division=COUNTY, user_id="e2e-county-it")

    code, out = await run_cli(e2e_stack, path, token)
    assert code == 1, out  # one row had errors
    assert "新导入 4 行" in out and "有错误 1 行" in out, out
    report = (tmp_path / "存量对象.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert "6,身份证号码,bad_check_char,身份证号码校验位错误" in report, report
    import_id = re.search(r"导入批次 ([0-9a-f-]{36})", out).group(1)  # type: ignore[union-attr]
    rows = await fetch(
        e2e_stack.database_url("intake"),
        "select person_id from imported_person where import_id = $1::uuid",
        uuid.UUID(import_id),
    )
    person_ids = [str(r["person_id"]) for r in rows]
    assert len(person_ids) == 4

    for person_id in person_ids:
        await served(e2e_stack, person_id)
    await on_the_board(e2e_stack, people)
    await mirrored(e2e_stack, person_ids)
    before = await effects(e2e_stack, person_ids)
    assert (before["recipients"], before["files"], before["applications"]) == (4, 4, 4)

    code, out = await run_cli(e2e_stack, path, token)
    assert code == 1 and "新导入 0 行，未变化 4 行，有错误 1 行" in out, out
    assert await effects(e2e_stack, person_ids) == before


async def served(stack: Stack, person_id: str) -> None:
    """The person has one file with a service number, and orders."""
    pid = uuid.UUID(person_id)

    async def filed() -> bool:
        rows = await fetch(
            stack.database_url("archive"),
            "select service_number from archive_file where person_id = $1",
            pid,
        )
        return len(rows) == 1 and bool(rows[0]["service_number"])

    await wait_until(filed, timeout=90)

    async def ordered() -> bool:
        sql = "select count(*) n from service_order where person_id = $1"
        return await count(stack, "dispatch", sql, pid) >= 2

    await wait_until(ordered, timeout=90)


async def on_the_board(stack: Stack, people: list[Case]) -> None:
    """The village's public board lists every imported person (masked)."""

    async def listed() -> bool:
        async with httpx.AsyncClient(base_url=stack.service_url("archive")) as client:
            page = (await client.get(f"/boards/{VILLAGE}")).text
        return all(case.masked_name in page for case in people)

    await wait_until(listed, timeout=90)


async def mirrored(stack: Stack, person_ids: list[str]) -> None:
    """The big-data platform has each person's import and approval, under their pseudonym."""
    pseudonym = pseudonyms_in(stack.secrets_dir, "intake")
    wanted = {(pseudonym(p), kind) for p in person_ids for kind in ("import", "approval")}
    kinds = {"intake.RecipientImported": "import", "review.RecipientApproved": "approval"}
    seen: set[tuple[Any, str]] = set()

    def keep(event: Any) -> bool:
        if isinstance(event, EventMirrored) and event.source_event_type in kinds:
            seen.add((event.person_id, kinds[event.source_event_type]))
        return wanted <= seen

    async with TopicReader(stack.kafka_access(), topics.BIGDATA_EVENTS) as reader:
        await reader.wait_for(keep, timeout=90)
