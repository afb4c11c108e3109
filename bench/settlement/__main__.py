"""Settle a city month of 1,000,000 service records and compare with raw PostgreSQL.

    .venv/bin/python -m bench.settlement                 # starts its own PostgreSQL (devstack)
    BENCH_DATABASE_URL=postgresql+asyncpg://u@h:5432/postgres .venv/bin/python -m bench.settlement
    .venv/bin/python -m bench.settlement --lines 100000  # a smaller month

Measured in one run, on one database:
  raw COPY       asyncpg COPY of the rows into a bare table (no keys, no indexes)
  ledger COPY    the same rows into the service's ``ledger_line`` (keys, checks, indexes)
  raw GROUP BY   one GROUP BY over the month's lines by township, provider, item, fund
  settle         the service's own use case ``run_settlement`` (set-based SQL + outbox)
  settle again   the same month again: idempotent, nothing changes
  confirm        every statement through the use case with the money controls armed (the 1%
                 cap, binding budgets, year open; carries settled in: bench/settlement/controls.py)
  raw UPDATE     the same statements confirmed by one bare UPDATE (rolled back)
  year-end       each county's year-end report, beside a raw GROUP BY of its ledger by fund
Targets (docs: reliability notes T8): ledger COPY ≥ 30% of raw COPY rows/s; settle ≤ 3 ×
raw GROUP BY. Afterwards every statement total is checked against the ledger (and carries).
JSON in .state/bench/settlement.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import write_json
from bench.settlement import controls
from bench.settlement.data import COLUMNS, PERIOD, generate
from civic.db import make_engine, make_sessionmaker
from civic.pseudonyms import DEV_PSEUDONYM_KEY, Pseudonyms
from civic.secrets import ensure_secrets
from civic.uow import UnitOfWork
from contracts.kinds import StatementPeriod
from devstack import procs
from devstack.postgres import PostgresServer
from settlement.handlers.statements import RunSettlement, run_settlement

ROOT = procs.find_repo_root(Path(__file__).parent)
RAW_GROUP_BY = """
SELECT township_code, provider_id, item_code, unit, funding_source, (service_month < period),
       sum(quantity), sum(amount_fen), count(*)
FROM {table} WHERE period_kind = 'monthly' AND period = $1
GROUP BY township_code, provider_id, item_code, unit, funding_source, (service_month < period)
"""
# A statement is its ledger lines plus the negative totals carried into it (one row each).
CHECK = """
SELECT count(*) FILTER (WHERE s.total_fen <> l.total OR s.line_count <> l.lines) AS wrong,
       count(*) AS statements, sum(s.total_fen) AS total, sum(l.lines) AS lines
FROM statement s
JOIN (SELECT township_code, provider_id, sum(amount_fen) AS total, count(*) AS lines
      FROM (SELECT township_code, provider_id, amount_fen FROM ledger_line
            WHERE period_kind = 'monthly' AND period = $1
            UNION ALL
            SELECT township_code, provider_id, amount_fen FROM statement_carry
            WHERE period_kind = 'monthly' AND into_period = $1) parts
      GROUP BY township_code, provider_id) l USING (township_code, provider_id)
WHERE s.period_kind = 'monthly' AND s.period = $1
"""


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await fn()
    return time.perf_counter() - start, result


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    ini = ROOT / "services" / "settlement" / "alembic.ini"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


async def drop_database(admin_url: str, url: str) -> None:
    conn = await asyncpg.connect(re.sub(r"^postgresql\+asyncpg://", "postgresql://", admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}"')
    finally:
        await conn.close()


async def create_database(admin_url: str) -> str:
    name = f"bench_settlement_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(re.sub(r"^postgresql\+asyncpg://", "postgresql://", admin_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return re.sub(r"/[^/]*$", f"/{name}", admin_url)


async def settle(url: str) -> tuple[float, list[uuid.UUID]]:
    engine = make_engine(url, pool_size=2)
    try:
        async with engine.connect():
            pass  # the pool's first connection is not part of the settlement
        cmd = RunSettlement(StatementPeriod.MONTHLY, PERIOD, None, None)

        async def run() -> list[uuid.UUID]:
            # The use case opens and commits its own unit of work, mirroring as a service does.
            mirroring = Pseudonyms.from_secret(DEV_PSEUDONYM_KEY)
            uow = UnitOfWork(make_sessionmaker(engine), pseudonyms=mirroring)
            return await run_settlement(cmd, uow=uow)

        return await timed(run)
    finally:
        await engine.dispose()


async def load(
    conn: asyncpg.Connection, rows: list[tuple[Any, ...]]
) -> list[tuple[str, int, float]]:
    """COPY the same rows into a bare table and into the service's ledger."""
    await conn.execute("CREATE TABLE raw_line (LIKE ledger_line INCLUDING DEFAULTS)")
    out = []
    for name, table in (
        ("raw COPY (bare table)", "raw_line"),
        ("ledger COPY (ledger_line)", "ledger_line"),
    ):
        seconds, _ = await timed(
            lambda t=table: conn.copy_records_to_table(t, records=rows, columns=COLUMNS)
        )
        out.append((name, len(rows), seconds))
    return out


async def verify(conn: asyncpg.Connection, lines: int, carries: int) -> None:
    """Every statement total equals a recomputation from the ledger and the carries."""
    check = await conn.fetchrow(CHECK, PERIOD)
    ledger_total = await conn.fetchval(
        "SELECT sum(amount_fen) FROM ledger_line WHERE period = $1", PERIOD
    )
    carried = carries * controls.CARRY_FEN
    if (
        check["wrong"]
        or check["total"] != ledger_total + carried
        or check["lines"] != lines + carries
    ):
        raise SystemExit(f"statements do not match the ledger: {dict(check)}")
    print(f"check: {check['statements']:,} statements; every total equals the ledger's")
    print(f"       month total {ledger_total:,} fen over {lines:,} lines; {carries} carries in")


async def measure(url: str, lines: int, recipients: int) -> list[tuple[str, int, float]]:
    """The whole run: generate, load, aggregate raw, settle twice, verify, confirm, year-end."""
    print(f"generating {lines:,} lines for {recipients:,} recipients ...", flush=True)
    conn = await asyncpg.connect(re.sub(r"^postgresql\+asyncpg://", "postgresql://", url))
    try:
        out = await load(conn, generate(lines=lines, recipients=recipients))
        for table in ("raw_line", "ledger_line"):
            await conn.execute(f"VACUUM ANALYZE {table}")
        for table in ("raw_line", "ledger_line"):
            query = RAW_GROUP_BY.format(table=table)
            times = [(await timed(lambda q=query: conn.fetch(q, PERIOD)))[0] for _ in range(3)]
            out.append((f"raw GROUP BY ({table}, median of 3)", lines, statistics.median(times)))
        carries = await controls.arm(conn)
        seconds, changed = await settle(url)
        out.append((f"settle: {len(changed):,} statements issued", lines, seconds))
        seconds, again = await settle(url)
        out.append((f"settle again: {len(again)} changed", lines, seconds))
        await verify(conn, lines, carries)
        raw = await controls.raw_confirm_time(conn, changed)
        out.append((f"raw UPDATE: {len(changed):,} statements", len(changed), raw))
        seconds, held = await controls.confirm_all(url, changed)
        out.append((f"confirm: {len(changed):,} statements, {held} held", len(changed), seconds))
        year = await controls.year_end(url, conn)
        if year["unbalanced"]:
            raise SystemExit(f"year-end reports do not balance: {year['unbalanced']}")
        out.append(
            (f"raw GROUP BY of the year, {year['counties']} counties", lines, year["raw_seconds"])
        )
        out.append((f"year-end reports, {year['counties']} counties", lines, year["seconds"]))
    finally:
        await conn.close()
    return out


def report(results: list[tuple[str, int, float]]) -> None:
    raw_copy, ledger_copy = results[0][2], results[1][2]
    group_by = results[3][2]  # over ledger_line, the table the settlement reads
    print()
    print(f"{'step':44} {'rows':>11} {'seconds':>9} {'rows/s':>12} {'ratio':>22}")
    for name, rows, seconds in results:
        ratio = ""
        if name.startswith("ledger COPY"):
            ratio = f"{raw_copy / seconds:.0%} of raw COPY rate"
        elif name.startswith("settle"):
            ratio = f"{seconds / group_by:.2f} × raw GROUP BY"
        elif name.startswith("confirm"):
            ratio = f"{seconds / results[6][2]:.0f} × raw UPDATE"
        elif name.startswith("year-end"):
            ratio = f"{seconds / results[8][2]:.1f} × raw GROUP BY"
        print(f"{name:44} {rows:>11,} {seconds:>9.3f} {rows / seconds:>12,.0f} {ratio:>22}")
    print()
    print(
        f"T8: ledger COPY {raw_copy / ledger_copy:.0%} of raw (target ≥ 30%); "
        f"settle {results[4][2] / group_by:.2f} × GROUP BY (target ≤ 3)"
    )
    steps = [
        {"step": name, "rows": rows, "seconds": round(seconds, 4)}
        for name, rows, seconds in results
    ]
    write_json(
        ROOT / ".state" / "bench" / "settlement.json",
        {
            "steps": steps,
            "ledger_copy_of_raw": round(raw_copy / ledger_copy, 3),
            "settle_over_group_by": round(results[4][2] / group_by, 3),
            "targets": {"ledger_copy_of_raw": ">= 0.30", "settle_over_group_by": "<= 3"},
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    args = parser.parse_args()
    admin_url = os.environ.get("BENCH_DATABASE_URL")
    server: PostgresServer | None = None
    state = ROOT / ".state" / "bench" / f"settlement-{os.getpid()}"
    if admin_url is None:
        secrets = ensure_secrets(state / "secrets")
        server = PostgresServer(state / "postgres", port=procs.free_port(), secrets_dir=secrets)
        print(f"starting PostgreSQL on port {server.port} (state under {state}) ...", flush=True)
        server.start()
        server.wait_ready()
        admin_url = server.url("postgres")
    url = asyncio.run(create_database(admin_url))
    try:
        migrate(url)
        report(asyncio.run(measure(url, args.lines, args.recipients)))
    finally:
        asyncio.run(drop_database(admin_url, url))
        if server is not None:
            server.stop()
            shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
