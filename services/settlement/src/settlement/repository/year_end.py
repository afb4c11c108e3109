"""The year-end's figures in SQL, by fund, and the closed years' snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.statements import COMMITTED
from settlement.orm.year_end import year_close

y = year_close.c

_SAME_STATEMENT = """st.township_code = {t}.township_code AND st.provider_id = {t}.provider_id
 AND st.period_kind = {t}.period_kind AND st.period = {t}.{period}"""

# The year's lines summed per statement key first (a few rows per provider), then matched
# with their statement: lines of a key without one are not settled yet.
LEDGER = f"""
WITH agg AS (
  SELECT township_code, provider_id, period_kind, period, funding_source,
         sum(amount_fen)::bigint AS amount_fen,
         coalesce(sum(amount_fen) FILTER (WHERE kind = 'reversal'), 0)::bigint AS reversed_fen
  FROM ledger_line
  WHERE period = ANY(CAST(:periods AS text[])) AND {{division}}
  GROUP BY township_code, provider_id, period_kind, period, funding_source
)
SELECT a.funding_source,
       sum(a.amount_fen)::bigint AS ledger_fen,
       sum(a.reversed_fen)::bigint AS reversed_fen,
       coalesce(sum(a.amount_fen) FILTER (WHERE st.statement_id IS NULL), 0)::bigint
         AS unsettled_fen
FROM agg a LEFT JOIN statement st ON {_SAME_STATEMENT.format(t="a", period="period")}
GROUP BY a.funding_source
"""

STATEMENTS = """
SELECT t.funding_source,
  coalesce(sum(t.amount_fen) FILTER (WHERE st.status = ANY(CAST(:committed AS text[]))), 0)::bigint
    AS committed_fen,
  coalesce(sum(t.amount_fen) FILTER (WHERE st.status = 'paid'), 0)::bigint AS paid_fen,
  coalesce(sum(t.amount_fen) FILTER (WHERE st.status IN ('draft', 'held')), 0)::bigint AS open_fen,
  coalesce(sum(t.amount_fen) FILTER (WHERE st.status = 'carried'), 0)::bigint AS carried_fen
FROM statement_source_total t JOIN statement st ON st.statement_id = t.statement_id
WHERE st.period = ANY(CAST(:periods AS text[])) AND st.{division}
GROUP BY t.funding_source
"""

CARRIES = f"""
SELECT c.funding_source,
  coalesce(sum(c.amount_fen) FILTER (WHERE NOT c.from_period = ANY(CAST(:periods AS text[]))), 0)
    ::bigint AS carried_in_fen,
  coalesce(sum(c.amount_fen) FILTER (WHERE NOT c.into_period = ANY(CAST(:periods AS text[]))), 0)
    ::bigint AS carried_out_fen,
  coalesce(sum(c.amount_fen) FILTER (WHERE c.into_period = ANY(CAST(:periods AS text[]))
                                       AND st.statement_id IS NULL), 0)::bigint
    AS carry_unsettled_fen
FROM statement_carry c
LEFT JOIN statement st ON {_SAME_STATEMENT.format(t="c", period="into_period")}
WHERE (c.into_period = ANY(CAST(:periods AS text[]))
       OR c.from_period = ANY(CAST(:periods AS text[])))
  AND c.{{division}}
GROUP BY c.funding_source
"""

COUNTS = f"""
SELECT (SELECT count(*) FROM statement
        WHERE period = ANY(CAST(:periods AS text[])) AND {{division}} AND status = 'draft')::int
         AS drafts,
       (SELECT count(*) FROM statement
        WHERE period = ANY(CAST(:periods AS text[])) AND {{division}} AND status = 'held')::int
         AS held,
       (SELECT count(*) FROM (
          SELECT township_code, provider_id, period_kind, period FROM ledger_line
          WHERE period = ANY(CAST(:periods AS text[])) AND {{division}}
          UNION
          SELECT township_code, provider_id, period_kind, into_period FROM statement_carry
          WHERE into_period = ANY(CAST(:periods AS text[])) AND {{division}}
        ) k WHERE NOT EXISTS (SELECT 1 FROM statement st
                              WHERE {_SAME_STATEMENT.format(t="k", period="period")}))::int
         AS unsettled
"""


def year_periods(year: int) -> list[str]:
    """A year's statement periods: the annual one (YYYY) and its twelve months."""
    return [f"{year:04d}", *(f"{year:04d}-{month:02d}" for month in range(1, 13))]


def _division(division_code: str) -> str:
    return "county_code = :division" if len(division_code) == 6 else "township_code = :division"


async def figures(
    session: AsyncSession, division_code: str, year: int
) -> dict[str, dict[str, int]]:
    """Each fund's year figures (ledger, reversed, statements by status, carries, unsettled)."""
    params = {
        "periods": year_periods(year),
        "division": division_code,
        "committed": list(COMMITTED),
    }
    where = _division(division_code)
    found: dict[str, dict[str, int]] = {}
    for sql in (LEDGER, STATEMENTS, CARRIES):
        rows = await session.execute(text(sql.format(division=where)), params)
        for row in rows.mappings():
            mine = found.setdefault(row["funding_source"], {})
            mine.update(
                {name: int(value) for name, value in row.items() if name != "funding_source"}
            )
    return found


async def counts(session: AsyncSession, division_code: str, year: int) -> dict[str, int]:
    """The year's open statements (draft, held) and statement keys with no statement yet."""
    params = {"periods": year_periods(year), "division": division_code}
    found = await session.execute(text(COUNTS.format(division=_division(division_code))), params)
    return dict(found.mappings().one())


async def is_closed(session: AsyncSession, county_code: str, year: int) -> bool:
    """True once the county has closed the year."""
    query = select(y.year).where(y.county_code == county_code, y.year == year)
    return (await session.execute(query)).first() is not None


async def snapshot(session: AsyncSession, county_code: str, year: int) -> dict[str, Any] | None:
    """The stored report of a closed year, with who closed it and when."""
    query = select(y.report, y.closed_by, y.closed_at).where(
        y.county_code == county_code, y.year == year
    )
    row = (await session.execute(query)).mappings().first()
    return None if row is None else dict(row)


async def save_snapshot(
    session: AsyncSession,
    *,
    county_code: str,
    year: int,
    report: dict[str, Any],
    closed_by: str,
    closed_at: datetime,
) -> None:
    """Stores a closed year's report (the first close wins; a second changes nothing)."""
    values = {
        "county_code": county_code,
        "year": year,
        "report": report,
        "closed_by": closed_by,
        "closed_at": closed_at,
    }
    await session.execute(pg_insert(year_close).values(**values).on_conflict_do_nothing())
