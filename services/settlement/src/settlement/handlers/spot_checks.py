"""Spot checks: the county's yearly draw (≥30%), inspectors' results, failures reversed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from civic.errors import Conflict, NotFound
from civic.uow import UnitOfWork
from contracts.kinds import SpotCheckOutcome
from contracts.settlement import SpotCheckRecorded, SpotCheckSampled
from settlement.domain import sampling
from settlement.domain.performance import percent
from settlement.handlers.billing import hold_person, recheck
from settlement.repository import ledger, locks
from settlement.repository import spot_checks as repo


@dataclass(frozen=True)
class DrawSample:
    """A county officer draws (or tops up) the year's sample from a seed."""

    county_code: str
    year: int
    seed: str
    rate_bp: int
    drawn_by: str


async def draw_sample(cmd: DrawSample, *, uow: UnitOfWork) -> dict[str, Any]:
    """Tops every stratum up to the rate; the same seed and records give the same sample."""
    await locks.lock(uow.session, "draw", cmd.county_code, cmd.year)
    draw_id = uuid.uuid4()
    values = {
        "draw_id": draw_id,
        "county_code": cmd.county_code,
        "year": cmd.year,
        "seed": cmd.seed,
        "rate_bp": cmd.rate_bp,
        "population": await repo.population(uow.session, cmd.county_code, cmd.year),
        "drawn_by": cmd.drawn_by,
    }
    drawn = await repo.draw(uow.session, values)
    for row in drawn:
        uow.emit(
            SpotCheckSampled(
                person_id=row.person_id,
                spot_check_id=row.spot_check_id,
                record_id=row.record_id,
                provider_id=row.provider_id,
                county_code=cmd.county_code,
                year=cmd.year,
            )
        )
    await uow.commit()
    return {**values, "drawn": len(drawn)}


async def record_result(
    spot_check_id: uuid.UUID,
    outcome: SpotCheckOutcome,
    notes: str | None,
    *,
    uow: UnitOfWork,
    user: str,
    today: date,
) -> dict[str, Any]:
    """Records the inspector's finding; a failed record is reversed out of payment."""
    passed = outcome is SpotCheckOutcome.CONFIRMED
    values = {
        "outcome": outcome.value,
        "passed": passed,
        "notes": notes,
        "checked_by": user,
        "checked_on": today,
    }
    row = await repo.record_result(uow.session, spot_check_id, values)
    if row is None:
        if await repo.get(uow.session, spot_check_id) is None:
            raise NotFound("抽查记录不存在", code="spot_check_not_found")
        raise Conflict("该抽查结果已登记，不能修改", code="spot_check_already_recorded")
    await hold_person(uow, row.person_id)
    moved = (
        0
        if passed
        else await recheck([ledger.r.record_id == row.record_id], uow=uow, cause=spot_check_id)
    )
    uow.emit(
        SpotCheckRecorded(
            person_id=row.person_id,
            spot_check_id=spot_check_id,
            record_id=row.record_id,
            outcome=outcome,
            checked_by=user,
            checked_on=today,
            disallowed_fen=max(0, -moved),
        )
    )
    await uow.commit()
    return {**dict(row._mapping), "disallowed_fen": max(0, -moved)}


async def coverage(county_code: str, year: int, *, uow: UnitOfWork) -> dict[str, Any]:
    """How far the year's checks have come, for the county and each provider."""
    rows = [dict(r._mapping) for r in await repo.coverage(uow.session, county_code, year)]
    for row in rows:
        _rates(row)
    total = {
        k: sum(int(r[k]) for r in rows)
        for k in ("services", "sampled", "checked", "passed", "failed")
    }
    return {"county_code": county_code, "year": year, "county": _rates(total), "providers": rows}


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    row["coverage_percent"] = percent(row["sampled"], row["services"])
    row["checked_percent"] = percent(row["checked"], row["services"])
    row["pass_rate_percent"] = percent(row["passed"], row["checked"])
    row["meets_minimum"] = (
        row["sampled"] * 10_000 >= row["services"] * sampling.MIN_RATE_BASIS_POINTS
    )
    return row
