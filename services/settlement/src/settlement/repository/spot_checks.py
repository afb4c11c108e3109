"""Spot checks: the stratified draw in SQL (the same order as ``domain.sampling``), coverage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import Row, RowMapping, func, insert, not_, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from contracts.kinds import SpotCheckOutcome
from settlement.domain.checks import (
    COVERAGE_FIGURES,
    Coverage,
    Draw,
    ProviderCoverage,
    SpotCheck,
)
from settlement.orm import inspection, service_record, spot_check, spot_check_draw

c, r = spot_check.c, service_record.c
CONFIRMED = SpotCheckOutcome.CONFIRMED.value

# Ranked by md5(seed:record_id) within each township × provider × item stratum, topped up
# to ceil(rate × stratum size); byte order ("C") so every server sorts like Python does.
DRAW = """
WITH pop AS (
  SELECT r.record_id, r.person_id, r.township_code, r.provider_id, r.item_code,
         (sc.record_id IS NOT NULL) AS sampled
  FROM service_record r LEFT JOIN spot_check sc ON sc.record_id = r.record_id
  WHERE r.county_code = :county AND r.service_date >= :start AND r.service_date < :stop
), strata AS (
  SELECT township_code, provider_id, item_code,
         (count(*) * :rate_bp + 9999) / 10000 - count(*) FILTER (WHERE sampled) AS need
  FROM pop GROUP BY township_code, provider_id, item_code
), ranked AS (
  SELECT p.*, row_number() OVER (
           PARTITION BY p.township_code, p.provider_id, p.item_code
           ORDER BY md5(:seed || ':' || p.record_id::text) COLLATE "C",
                    p.record_id::text COLLATE "C") AS rn
  FROM pop p WHERE NOT p.sampled
)
INSERT INTO spot_check (spot_check_id, draw_id, record_id, person_id, county_code,
                        township_code, provider_id, item_code, year)
SELECT gen_random_uuid(), :draw_id, x.record_id, x.person_id, :county,
       x.township_code, x.provider_id, x.item_code, :year
FROM ranked x JOIN strata s USING (township_code, provider_id, item_code)
WHERE x.rn <= s.need
RETURNING spot_check_id, record_id, person_id, provider_id
"""


def _year(county_code: str, year: int) -> list[ColumnElement[bool]]:
    return [
        r.county_code == county_code,
        r.service_date >= date(year, 1, 1),
        r.service_date < date(year + 1, 1, 1),
    ]


async def population(session: AsyncSession, county_code: str, year: int) -> int:
    """The county's services of the year."""
    query = select(func.count()).select_from(service_record).where(*_year(county_code, year))
    return int((await session.execute(query)).scalar_one())


async def draw(session: AsyncSession, values: dict[str, Any]) -> Sequence[Row[Any]]:
    """Stores the draw and the records it adds to the sample."""
    await session.execute(insert(spot_check_draw).values(**values, drawn=0))
    params = {
        "county": values["county_code"],
        "year": values["year"],
        "start": date(values["year"], 1, 1),
        "stop": date(values["year"] + 1, 1, 1),
        "rate_bp": values["rate_bp"],
        "seed": values["seed"],
        "draw_id": values["draw_id"],
    }
    drawn = (await session.execute(text(DRAW), params)).all()
    await session.execute(
        update(spot_check_draw)
        .where(spot_check_draw.c.draw_id == values["draw_id"])
        .values(drawn=len(drawn))
    )
    return drawn


async def record_result(
    session: AsyncSession, spot_check_id: uuid.UUID, values: dict[str, Any]
) -> SpotCheck | None:
    """Records a check's outcome once; None if it is unknown or already recorded."""
    stmt = (
        update(spot_check)
        .where(c.spot_check_id == spot_check_id, c.outcome.is_(None))
        .values(**values, recorded_at=func.now())
        .returning(spot_check)
    )
    row = (await session.execute(stmt)).mappings().first()
    return None if row is None else _spot_check(row)


async def get(session: AsyncSession, spot_check_id: uuid.UUID) -> SpotCheck | None:
    """One spot check."""
    query = select(spot_check).where(c.spot_check_id == spot_check_id)
    row = (await session.execute(query)).mappings().first()
    return None if row is None else _spot_check(row)


_FIELDS = tuple(field.name for field in fields(SpotCheck))


def _spot_check(row: RowMapping) -> SpotCheck:
    return SpotCheck(**{name: row[name] for name in _FIELDS})


async def coverage(session: AsyncSession, county_code: str, year: int) -> list[ProviderCoverage]:
    """Per provider: the year's services, drawn, checked (done), passed and failed."""
    i = inspection.c
    # A completed inspection of one of the year's records counts as a check of it, as a
    # recorded spot check does; a record checked both ways is counted once (failed if either
    # found fault).
    inspected = (
        select(i.record_id, func.bool_or(i.outcome != CONFIRMED).label("found_fault"))
        .where(i.record_id.is_not(None))
        .group_by(i.record_id)
        .subquery("inspected")
    )
    done = or_(c.outcome.is_not(None), inspected.c.record_id.is_not(None))
    fault = or_(c.passed.is_(False), inspected.c.found_fault.is_(True))
    query = (
        select(
            r.provider_id,
            func.min(r.provider_code).label("provider_code"),
            func.count().label("services"),
            func.count(c.record_id).label("drawn"),
            func.count().filter(done).label("checked"),
            func.count().filter(done, not_(fault)).label("passed"),
            func.count().filter(done, fault).label("failed"),
        )
        .select_from(
            service_record.outerjoin(spot_check, c.record_id == r.record_id).outerjoin(
                inspected, inspected.c.record_id == r.record_id
            )
        )
        .where(*_year(county_code, year))
        .group_by(r.provider_id)
        .order_by(func.min(r.provider_code))
    )
    return [_coverage(row) for row in (await session.execute(query)).mappings()]


def _coverage(row: RowMapping) -> ProviderCoverage:
    figures = Coverage(**{name: int(row[name]) for name in COVERAGE_FIGURES})
    return ProviderCoverage(row["provider_id"], row["provider_code"], figures)


async def find(
    session: AsyncSession, county_code: str, year: int, *, open_only: bool, limit: int, offset: int
) -> tuple[list[SpotCheck], int]:
    """A page of the county's checks of a year (only those without a result, if asked)."""
    conditions = [c.county_code == county_code, c.year == year]
    if open_only:
        conditions.append(c.outcome.is_(None))
    total = (
        await session.execute(select(func.count()).select_from(spot_check).where(*conditions))
    ).scalar_one()
    rows = await session.execute(
        select(spot_check)
        .where(*conditions)
        .order_by(c.township_code, c.provider_id, c.record_id)
        .limit(limit)
        .offset(offset)
    )
    return [_spot_check(row) for row in rows.mappings()], int(total)


async def draws(
    session: AsyncSession, county_code: str, year: int, *, limit: int, offset: int
) -> tuple[list[Draw], int]:
    """A page of the county's draws of a year, newest first, and how many there are."""
    d = spot_check_draw.c
    conditions = [d.county_code == county_code, d.year == year]
    total = (
        await session.execute(select(func.count()).select_from(spot_check_draw).where(*conditions))
    ).scalar_one()
    rows = await session.execute(
        select(*(d[name] for name in _DRAW_FIELDS))
        .where(*conditions)
        .order_by(d.drawn_at.desc(), d.draw_id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [Draw(**row) for row in rows.mappings()], int(total)


_DRAW_FIELDS = tuple(field.name for field in fields(Draw))
