"""The money controls in the settlement bench: carries settled in, every statement confirmed
under the 1% cap and binding budgets, and each county's year-end report.

The controls are armed the way a county would leave them: every fund of every county and
township has a yearly budget (large enough that nothing is refused, so every check runs to
its end), each county warns at 80% and 95%, and one provider in ten of every township carries
a negative April into the month. Confirmation goes through the service's own use case, one
unit of work per statement as the route does; its raw limit is one bare UPDATE of the same
statements. The year-end report is timed beside a raw GROUP BY of the year's ledger by fund.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg

from bench.settlement.data import PERIOD
from civic import clock
from civic.db import make_engine, make_sessionmaker
from civic.pseudonyms import DEV_PSEUDONYM_KEY, Pseudonyms
from civic.uow import UnitOfWork
from contracts.enums import FundingSource
from settlement.handlers.statements import confirm_statement
from settlement.handlers.year_end import year_end_report

YEAR = int(PERIOD[:4])
APRIL = f"{YEAR:04d}-04"
BUDGET_FEN = 10**13  # large enough that no statement is refused: every check runs to its end
CARRY_FEN = -1_000
PAIRS = """
SELECT DISTINCT county_code, township_code, provider_id, provider_code
FROM ledger_line WHERE period_kind = 'monthly' AND period = $1
ORDER BY township_code, provider_id
"""
CARRIED = """
INSERT INTO statement (statement_id, county_code, township_code, provider_id, provider_code,
                       period_kind, period, status, version, total_fen, line_count,
                       confirmed_by, confirmed_at)
VALUES ($1, $2, $3, $4, $5, 'monthly', $6, 'carried', 2, $7, 1, 'bench', now())
"""
CARRY = """
INSERT INTO statement_carry (from_statement_id, funding_source, county_code, township_code,
                             provider_id, provider_code, period_kind, from_period, into_period,
                             amount_fen, carried_by)
VALUES ($1, $2, $3, $4, $5, $6, 'monthly', $7, $8, $9, 'bench')
"""
# The April lines behind each carried statement: one adjustment of the pair's (a reversal
# after April had been paid, say), so April's ledger holds what the carry moves on.
APRIL_LINE = """
INSERT INTO ledger_line (line_id, kind, source_id, record_id, person_id, recipient_id, order_id,
                         provider_id, provider_code, county_code, township_code, period_kind,
                         period, service_month, service_date, item_code, funding_source, unit,
                         quantity, unit_fee_fen, amount_fen, catalogue_version, reason_zh)
SELECT gen_random_uuid(), 'adjustment', gen_random_uuid(), record_id, person_id, recipient_id,
       order_id, provider_id, provider_code, county_code, township_code, 'monthly', $3, $3,
       service_date, item_code, $4, unit, 0, unit_fee_fen, $5, catalogue_version, 'bench'
FROM ledger_line WHERE township_code = $1 AND provider_id = $2 AND period = $6 LIMIT 1
"""
RAW_YEAR = """
SELECT funding_source, sum(amount_fen) FROM ledger_line
WHERE county_code = $1 AND period LIKE $2 GROUP BY funding_source
"""


async def arm(conn: asyncpg.Connection) -> int:
    """Budgets, policies, cap bases and April carries; returns the number of carries."""
    pairs = await conn.fetch(PAIRS, PERIOD)
    counties = sorted({p["county_code"] for p in pairs})
    divisions = counties + sorted({p["township_code"] for p in pairs})
    await conn.executemany(
        "INSERT INTO funding_budget (division_code, year, funding_source, amount_fen, set_by)"
        " VALUES ($1, $2, $3, $4, 'bench')",
        [(d, YEAR, f.value, BUDGET_FEN) for d in divisions for f in FundingSource],
    )
    await conn.executemany(
        "INSERT INTO budget_policy (county_code, mode, thresholds_percent, set_by)"
        " VALUES ($1, 'hold', '{80,95}', 'bench')",
        [(c,) for c in counties],
    )
    await conn.executemany(
        "INSERT INTO assistance_fund_total (county_code, year, total_fen, set_by)"
        " VALUES ($1, $2, $3, 'bench')",
        [(c, YEAR, BUDGET_FEN) for c in counties],
    )
    carried = pairs[::10]
    statements = [(uuid.uuid4(), *pair) for pair in carried]
    tekun = FundingSource.TEKUN_CARE.value
    await conn.executemany(
        APRIL_LINE, [(s[2], s[3], APRIL, tekun, CARRY_FEN, PERIOD) for s in statements]
    )
    await conn.executemany(CARRIED, [(*s, APRIL, CARRY_FEN) for s in statements])
    await conn.executemany(
        CARRY,
        [(s[0], tekun, *s[1:], APRIL, PERIOD, CARRY_FEN) for s in statements],
    )
    return len(statements)


async def confirm_all(url: str, statement_ids: list[uuid.UUID]) -> tuple[float, int]:
    """Every statement confirmed through the use case; returns seconds and how many held."""
    engine = make_engine(url, pool_size=2)
    mirroring = Pseudonyms.from_secret(DEV_PSEUDONYM_KEY)
    held = 0
    try:
        start = time.perf_counter()
        for statement_id in statement_ids:
            uow = UnitOfWork(make_sessionmaker(engine), pseudonyms=mirroring)
            done = await confirm_statement(
                statement_id, uow=uow, user="bench-officer", now=clock.now()
            )
            held += done.status == "held"
        return time.perf_counter() - start, held
    finally:
        await engine.dispose()


async def raw_confirm_time(conn: asyncpg.Connection, statement_ids: list[uuid.UUID]) -> float:
    """The raw limit: one bare UPDATE of the same statements (rolled back afterwards)."""
    transaction = conn.transaction()
    await transaction.start()
    try:
        start = time.perf_counter()
        await conn.execute(
            "UPDATE statement SET status = 'confirmed', version = version + 1"
            " WHERE statement_id = ANY($1::uuid[])",
            statement_ids,
        )
        return time.perf_counter() - start
    finally:
        await transaction.rollback()


async def year_end(url: str, conn: asyncpg.Connection) -> dict[str, Any]:
    """Each county's year-end report through the use case, beside a raw GROUP BY."""
    counties = [r[0] for r in await conn.fetch("SELECT DISTINCT county_code FROM statement")]
    engine = make_engine(url, pool_size=2)
    try:
        start = time.perf_counter()
        reports = []
        for county in counties:
            uow = UnitOfWork(make_sessionmaker(engine), pseudonyms=None)
            reports.append(await year_end_report(county, YEAR, uow=uow))
        service = time.perf_counter() - start
    finally:
        await engine.dispose()
    start = time.perf_counter()
    for county in counties:
        await conn.fetch(RAW_YEAR, county, f"{YEAR:04d}%")
    raw = time.perf_counter() - start
    unbalanced = {
        f"{report.division_code}/{row.funding_source}": row.difference_fen
        for report in reports
        for row in report.funds
        if not row.balanced
    }
    return {
        "counties": len(counties),
        "seconds": service,
        "raw_seconds": raw,
        "unbalanced": unbalanced,
    }
