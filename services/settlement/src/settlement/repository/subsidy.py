"""Neighbour mutual-aid subsidies: one yearly line per counted service, posted in SQL."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.domain.statements import CLOSED
from settlement.orm import ledger_line, statement

line = ledger_line.c

# Only records the billing rules counted for the subsidy (given on an active day, not
# failed at a spot check); each record gets one line ever (source 'subsidy:<record>', hashed
# as ``domain.postings.source_id`` does).
POST = """
INSERT INTO ledger_line (line_id, kind, source_id, record_id, person_id, recipient_id, order_id,
  provider_id, provider_code, county_code, township_code, period_kind, period, service_month,
  service_date, item_code, funding_source, unit, quantity, unit_fee_fen, amount_fen,
  catalogue_version, cause_event_id, reason_zh)
SELECT gen_random_uuid(), 'charge', md5('subsidy:' || r.record_id::text)::uuid, r.record_id,
  r.person_id, r.recipient_id, r.order_id, r.provider_id, r.provider_code, r.county_code,
  r.township_code, 'annual', :period, to_char(r.service_date, 'YYYY-MM'), r.service_date,
  r.item_code, :funding_source, 'visit', r.quantity, CAST(:rate AS bigint),
  r.quantity * CAST(:rate AS bigint),
  coalesce((SELECT max(v.version) FROM catalogue_version v
            WHERE v.county_code = r.county_code AND v.effective_from <= r.service_date), 1),
  :cause, '邻里互助服务年度补贴'
FROM service_record r
WHERE r.township_code = :township AND r.reason_code = 'neighbour_subsidy'
  AND r.service_date >= :start AND r.service_date < :stop
ON CONFLICT (record_id, source_id, kind) DO NOTHING
RETURNING *
"""


async def rates_used(session: AsyncSession, township_code: str, year: int) -> set[int]:
    """The per-service rates already posted for the township's year."""
    query = (
        select(line.unit_fee_fen)
        .distinct()
        .where(
            line.township_code == township_code,
            line.period_kind == "annual",
            line.period == f"{year:04d}",
        )
    )
    return set((await session.execute(query)).scalars())


async def post(
    session: AsyncSession,
    township_code: str,
    year: int,
    rate_fen: int,
    funding_source: str,
    cause: uuid.UUID,
) -> list[dict[str, Any]]:
    """Posts a line for every counted service of the year not posted yet; returns their values."""
    params = {
        "township": township_code,
        "period": f"{year:04d}",
        "rate": rate_fen,
        "funding_source": funding_source,
        "cause": cause,
        "start": date(year, 1, 1),
        "stop": date(year + 1, 1, 1),
    }
    rows = (await session.execute(text(POST), params)).mappings()
    return [dict(row) for row in rows]


async def year_closed(session: AsyncSession, township_code: str, year: int) -> bool:
    """True once any of the township's annual statements for the year is confirmed or paid."""
    heads = statement.c
    query = select(heads.statement_id).where(
        heads.township_code == township_code,
        heads.period_kind == "annual",
        heads.period == f"{year:04d}",
        heads.status.in_(CLOSED),
    )
    return (await session.execute(query.limit(1))).first() is not None
