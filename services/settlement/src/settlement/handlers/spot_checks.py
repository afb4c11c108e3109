"""Spot checks: the county's yearly draw (≥30%), inspectors' results, failures reversed."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from civic.errors import Conflict, NotFound
from civic.idempotency import Answer, Retry, remember, replayed
from civic.uow import UnitOfWork
from contracts.kinds import SpotCheckOutcome
from contracts.settlement import SpotCheckRecorded, SpotCheckSampled
from settlement.domain.checks import COVERAGE_FIGURES, Coverage, Draw, SpotCheck
from settlement.domain.performance import percent
from settlement.domain.records import RecordSelection
from settlement.handlers.billing import recheck
from settlement.repository import locks
from settlement.repository import spot_checks as repo
from settlement.repository.billing import SqlBillingStore


@dataclass(frozen=True)
class DrawSample:
    """A county officer draws (or tops up) the year's sample from a seed."""

    county_code: str
    year: int
    seed: str
    rate_bp: int
    drawn_by: str


@dataclass(frozen=True)
class CheckResult:
    """A recorded check and what its failure took out of payment (0 when it passed)."""

    check: SpotCheck
    disallowed_fen: int


async def get_check(spot_check_id: uuid.UUID, *, uow: UnitOfWork) -> SpotCheck:
    """One spot check, or 404."""
    async with uow:
        found = await repo.get(uow.session, spot_check_id)
    if found is None:
        raise NotFound("抽查记录不存在", code="spot_check_not_found")
    return found


async def checks_page(
    county_code: str, year: int, *, open_only: bool, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[SpotCheck], int]:
    """A page of the county's checks of a year, and how many there are."""
    async with uow:
        return await repo.find(
            uow.session, county_code, year, open_only=open_only, limit=limit, offset=offset
        )


async def draws_page(
    county_code: str, year: int, *, uow: UnitOfWork, limit: int, offset: int
) -> tuple[list[Draw], int]:
    """A page of the county's draws of a year, newest first, and how many there are."""
    async with uow:
        return await repo.draws(uow.session, county_code, year, limit=limit, offset=offset)


async def draw_sample(
    cmd: DrawSample, *, uow: UnitOfWork, idempotency_key: str | None = None
) -> dict[str, Any]:
    """Tops every stratum up to the rate (same seed, same sample); a retried key draws nothing."""
    body = {"county_code": cmd.county_code, "year": cmd.year, "seed": cmd.seed}
    retry = Retry.of(
        idempotency_key,
        route="settlement.spot-checks.draw",
        user_id=cmd.drawn_by,
        body={**body, "rate_bp": cmd.rate_bp},
    )
    async with uow:
        if (first := await replayed(retry, uow)) is not None:
            return dict(first.body)
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
        answer = {**values, "drawn": len(drawn)}
        await remember(retry, uow, Answer(201, {**answer, "draw_id": str(draw_id)}))
        await uow.commit()
        return answer


async def record_result(
    spot_check_id: uuid.UUID,
    outcome: SpotCheckOutcome,
    notes: str | None,
    *,
    uow: UnitOfWork,
    user: str,
    today: date,
) -> CheckResult:
    """Records the inspector's finding; a failed record is reversed out of payment."""
    async with uow:
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
        # A failed check takes the record out of payment: its lines are reversed now.
        disallowed = 0
        if not passed:
            disallowed = await recheck_record(
                row.person_id, row.record_id, uow=uow, cause=spot_check_id
            )
        uow.emit(_recorded(row, values, disallowed_fen=disallowed))
        await uow.commit()
    return CheckResult(row, disallowed_fen=disallowed)


async def recheck_record(
    person_id: uuid.UUID, record_id: uuid.UUID, *, uow: UnitOfWork, cause: uuid.UUID
) -> int:
    """Re-prices one record after a finding about it (a failed spot check or inspection, a
    substantiated complaint: ``repository.ledger.disallowed``); returns the fen taken out of
    payment. Inside the caller's unit of work; a record already reversed moves nothing."""
    await SqlBillingStore(uow).hold_person(person_id)
    moved = await recheck(RecordSelection(record_id=record_id), uow=uow, cause=cause)
    return max(0, -moved)


def _recorded(
    check: SpotCheck, finding: dict[str, Any], *, disallowed_fen: int
) -> SpotCheckRecorded:
    return SpotCheckRecorded(
        person_id=check.person_id,
        spot_check_id=check.spot_check_id,
        record_id=check.record_id,
        outcome=finding["outcome"],
        checked_by=finding["checked_by"],
        checked_on=finding["checked_on"],
        disallowed_fen=disallowed_fen,
    )


async def coverage(county_code: str, year: int, *, uow: UnitOfWork) -> dict[str, Any]:
    """How far the year's checks have come, for the county and each provider."""
    async with uow:
        rows = await repo.coverage(uow.session, county_code, year)
    total = Coverage(
        *(sum(getattr(row.coverage, name) for row in rows) for name in COVERAGE_FIGURES)
    )
    providers = [
        {
            "provider_id": row.provider_id,
            "provider_code": row.provider_code,
            **_figures(row.coverage),
        }
        for row in rows
    ]
    return {
        "county_code": county_code,
        "year": year,
        "county": _figures(total),
        "providers": providers,
    }


def _figures(coverage: Coverage) -> dict[str, Any]:
    """The counts and the shares a report shows; the target is met by checked records only."""
    return {
        **asdict(coverage),
        "drawn_percent": percent(coverage.drawn, coverage.services),
        "checked_percent": percent(coverage.checked, coverage.services),
        "pass_rate_percent": percent(coverage.passed, coverage.checked),
        "meets_minimum": coverage.meets_minimum,
    }
