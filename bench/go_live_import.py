"""Go-live import (issue 20): N rows of a county's roll through the real path, beside raw limits.

    .venv/bin/python -m bench go-live-import [--rows 10000]
        [--json .state/bench/go_live_import.json]

Starts a private stack: Kafka, PostgreSQL, and intake, review and settlement (settlement
publishes the catalogue both check items against; dispatch and archive are left out, as
they would refer and file every recipient, which is not what is measured here).

Real path, timed from one clock:
  * upload: ``python -m intake.importer roll.csv`` as county IT runs it (a process reading
    the CSV, sending chunks of 500 rows to ``POST /imports/{id}/rows``, where each row is
    checked, its person registered with the ID number sealed, its application stored and
    RecipientImported written to the outbox);
  * approved: from the CLI's start until every row's RecipientApproved (route import, by
    the bench's county IT user) has been read back from ``review.decisions.v1``: the relay
    published the imports, review approved each one and its relay published the approval.
Raw limits, same run and machine:
  * raw COPY: asyncpg ``copy_records_to_table`` of the same N rows (every cell, as text)
    into a scratch table of intake's database;
  * raw produce: aiokafka (acks=all, idempotent) of N RecipientImported events of the same
    size onto a scratch topic.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench import common
from bench.common import Message, private_stack, produce, table
from civic import clock
from civic.bus.access import KafkaAccess
from civic.spreadsheet import csv_document
from contracts import divisions, resident_id, topics
from contracts.registry import parse
from contracts.review import RecipientApproved
from devstack.journeys.application import COUNTY, catalogue_loaded
from devstack.stack import Stack
from intake.domain.import_cells import COLUMNS

USER = "bench-county-it"
ITEMS = (
    "LC-03:政府购买服务:1/日:居家养老服务经费",
    "CL-01:政府购买服务:2/月:其他服务类救助经费;HC-02:government_purchase:1/month:charity",
)


def roll(rows: int, rnd: random.Random) -> list[list[str]]:
    """``rows`` distinct people of 贵池区 round its villages, as template rows."""
    villages = [v.code for t in divisions.children(COUNTY) for v in divisions.children(t.code)]
    numbers: set[str] = set()
    while len(numbers) < rows:
        born = date(rnd.randint(1935, 1962), rnd.randint(1, 12), rnd.randint(1, 28))
        body = f"{COUNTY}{born:%Y%m%d}{rnd.randint(0, 999):03d}"
        numbers.add(body + resident_id.check_char(body))
    start = clock.today().isoformat()
    made = []
    for n, number in enumerate(sorted(numbers)):
        village = villages[n % len(villages)]
        cells = {
            **{"name": "王桂英", "id_number": number, "county_code": COUNTY},
            **{"township_code": village[:9], "village_code": village, "household_size": "1"},
            **{"category": "特困人员" if n % 2 else "低保对象", "special_conditions": ""},
            **{"self_care_level": "moderate", "items": ITEMS[n % 2], "effective_date": start},
        }
        made.append([cells[c.key] for c in COLUMNS])
    return made


async def approvals_seen(access: KafkaAccess, want: int, ready: asyncio.Event) -> float:
    """Reads review.decisions.v1 from its current end until ``want`` approvals by the bench's
    user are seen; the clock time when the last one was read."""
    consumer = AIOKafkaConsumer(
        topics.REVIEW_DECISIONS, **access.aiokafka(), group_id=None, auto_offset_reset="latest"
    )
    await consumer.start()
    try:
        await consumer.seek_to_end()
        for part in consumer.assignment():
            await consumer.position(part)  # pins "latest" before the upload begins
        ready.set()
        seen = 0
        while seen < want:
            for records in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                for record in records:
                    event = parse(record.topic, record.value)
                    if isinstance(event, RecipientApproved) and event.approved_by == USER:
                        seen += 1
        return time.perf_counter()
    finally:
        await consumer.stop()


async def run_cli(stack: Stack, path: Path) -> float:
    """The CLI as county IT runs it; seconds taken."""
    token = stack.mint(user_id=USER, roles=["admin"], division=COUNTY)
    began = time.perf_counter()
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
    out, _ = await process.communicate()
    print(out.decode().strip().splitlines()[-1], flush=True)
    if process.returncode != 0:
        raise SystemExit(f"the import failed:\n{out.decode()}")
    return time.perf_counter() - began


async def raw_copy(stack: Stack, rows: list[list[str]]) -> float:
    """asyncpg COPY of the same rows into a scratch table of intake's database; seconds."""
    conn = await asyncpg.connect(stack.database_url("intake").replace("+asyncpg", ""))
    try:
        columns = [c.key for c in COLUMNS]
        await conn.execute(
            f"create temporary table bench_import ({', '.join(f'{c} text' for c in columns)})"
        )
        began = time.perf_counter()
        await conn.copy_records_to_table("bench_import", records=rows, columns=columns)
        return time.perf_counter() - began
    finally:
        await conn.close()


async def raw_produce(stack: Stack, payloads: list[Message]) -> float:
    """aiokafka produce of the same number of events onto a scratch topic; seconds."""
    access = stack.kafka_access()
    scratch = f"bench.import.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(**access.aiokafka())
    await admin.start()
    try:
        await admin.create_topics([NewTopic(scratch, 6, 1)])
    finally:
        await admin.close()
    return await produce(access, [(scratch, key, value) for _, key, value in payloads])


async def sample_events(stack: Stack, count: int) -> list[Message]:
    """``count`` RecipientImported records as intake's relay published them (for their size)."""
    rows = await asyncpg.connect(stack.database_url("intake").replace("+asyncpg", ""))
    try:
        found = await rows.fetch(
            "select key, payload from outbox_message where event_type = "
            "'intake.RecipientImported' limit 100"
        )
    finally:
        await rows.close()
    return [
        (topics.INTAKE_APPLICATIONS, r["key"].encode(), r["payload"].encode())
        for r in (found * (count // max(len(found), 1) + 1))[:count]
    ]


async def run(rows: int) -> dict[str, Any]:
    """Generates the roll, imports it through the stack, then takes the raw limits."""
    print(f"generating {rows:,} rows ...", flush=True)
    lines = roll(rows, random.Random(20))
    with (
        tempfile.TemporaryDirectory() as folder,
        private_stack(services=["intake", "review", "settlement"]) as stack,
    ):
        for service in ("intake", "review"):
            await catalogue_loaded(stack, service)
        path = Path(folder) / "roll.csv"
        path.write_text(csv_document([c.header_zh for c in COLUMNS], lines), encoding="utf-8")
        ready = asyncio.Event()
        watcher = asyncio.create_task(approvals_seen(stack.kafka_access(), rows, ready))
        await ready.wait()
        began = time.perf_counter()
        upload_s = await run_cli(stack, path)
        approved_s = await asyncio.wait_for(watcher, timeout=1800) - began
        copy_s = await raw_copy(stack, lines)
        produce_s = await raw_produce(stack, await sample_events(stack, rows))
    return {
        "rows": rows,
        "upload": _phase(rows, upload_s),
        "approved": _phase(rows, approved_s),
        "raw_copy": _phase(rows, copy_s),
        "raw_produce": _phase(rows, produce_s),
        "approved_vs_raw_copy": approved_s / copy_s,
        "approved_vs_raw_produce": approved_s / produce_s,
        "upload_vs_raw_copy": upload_s / copy_s,
    }


def _phase(rows: int, seconds: float) -> dict[str, float]:
    return {"rows": rows, "seconds": seconds, "per_s": rows / seconds}


ROWS = (
    ("upload: CLI → intake API (checked, sealed, stored, outbox)", "upload", "upload_vs_raw_copy"),
    ("approved: … → RecipientApproved read back", "approved", "approved_vs_raw_copy"),
    ("raw asyncpg COPY of the same rows", "raw_copy", None),
    ("raw aiokafka produce of as many events", "raw_produce", None),
)


def render(result: dict[str, Any]) -> str:
    """The table of one run, the real phases beside their raw limits."""
    body = [
        [name, f"{p['rows']:,}", f"{p['seconds']:.2f}", f"{p['per_s']:,.0f}", _x(result, ratio)]
        for name, key, ratio in ROWS
        for p in [result[key]]
    ]
    return (
        table(["phase", "rows", "seconds", "rows/s", "vs raw COPY"], body)
        + f"\napproved path is {result['approved_vs_raw_produce']:.0f}x the raw produce time"
    )


def _x(result: dict[str, Any], ratio: str | None) -> str:
    return f"{result[ratio]:.0f}x" if ratio else ""


def main() -> None:
    """Runs the benchmark, prints the table and writes the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--json", type=Path, default=common.repo_path(".state", "bench", "go_live_import.json")
    )
    args = parser.parse_args()
    common.stop_on_sigterm()
    last = common.previous(args.json)
    result = asyncio.run(run(args.rows))
    print(render(result))
    if last:
        print(f"last run: {last['rows']:,} rows, approved {last['approved']['per_s']:,.0f}/s")
    common.write_json(args.json, result)


if __name__ == "__main__":
    main()
