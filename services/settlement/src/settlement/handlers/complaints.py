"""Complaints about services (dispatch's): keep each outcome; a substantiated one naming a
service record takes that record out of payment by the spot-check path."""

from __future__ import annotations

from dataclasses import asdict

from civic.uow import UnitOfWork
from contracts import calendar, divisions
from contracts.supervision import ComplaintResolved
from settlement.domain.inspections import ComplaintRecord
from settlement.handlers.spot_checks import recheck_record
from settlement.repository import inspections as repo


def complaint_of(event: ComplaintResolved) -> ComplaintRecord:
    """What settlement keeps of a resolved complaint: ids, codes and the outcome."""
    return ComplaintRecord(
        complaint_id=event.complaint_id,
        provider_id=event.provider_id,
        record_id=event.record_id,
        county_code=divisions.county_of(event.township_code),
        township_code=event.township_code,
        category=event.category.value,
        outcome=event.outcome,
        overdue=event.overdue,
        resolved_on=calendar.day_of(event.occurred_at),
        version=event.version,
    )


async def note_complaint_resolved(event: ComplaintResolved, *, uow: UnitOfWork) -> None:
    """Keeps the outcome (an older version never overwrites a newer one) and re-prices the
    record it names: substantiated, it is reversed once; a replay moves nothing more."""
    kept = complaint_of(event)
    values = {**asdict(kept), "outcome": kept.outcome.value, "substantiated": kept.substantiated}
    async with uow:
        written = await repo.keep_complaint(uow.session, values)
        if written and kept.record_id is not None:
            served = await repo.record_subject(uow.session, kept.record_id)
            # A record not yet here is checked when it arrives (``ledger.disallowed``).
            if served is not None and served.person_id is not None:
                await recheck_record(
                    served.person_id, kept.record_id, uow=uow, cause=event.event_id
                )
        await uow.commit()
