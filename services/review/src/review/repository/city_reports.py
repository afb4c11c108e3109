"""City reports kept for a township officer, and each county's own settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from review.adapters.sealing import open_values, seal_values
from review.domain.city import AWAITING, CountySettings, HeldReport, HeldState
from review.orm import city_report, county_setting, recipient, review_case
from review.repository.common import page

#: The columns a held report is read from (the recipient's masked name joined in).
_HELD = (
    city_report.c.report_id,
    city_report.c.report,
    city_report.c.recipient_id,
    city_report.c.county_code,
    city_report.c.township_code,
    city_report.c.village_code,
    recipient.c.display_name,
    city_report.c.state,
    city_report.c.received_at,
    city_report.c.refusal_code,
    city_report.c.refusal_zh,
    city_report.c.decided_by,
    city_report.c.decided_at,
    city_report.c.decision_note,
)


def _select() -> Any:
    # A report about a person who is no recipient has none to join.
    on = recipient.c.recipient_id == city_report.c.recipient_id
    return select(*_HELD).outerjoin(recipient, on)


def _held(row: Any) -> HeldReport:
    # The report, its reason and the officer's note are sealed to the report's row.
    return HeldReport.model_validate(open_values(city_report, row._mapping, row=row.report_id))


async def city_report_known(session: AsyncSession, external_reference: str) -> bool:
    """Whether a report with this reference is held, or was decided."""
    stmt = select(city_report.c.report_id).where(
        city_report.c.external_reference == external_reference
    )
    return (await session.execute(stmt)).first() is not None


async def hold_city_report(session: AsyncSession, held: HeldReport) -> None:
    """Puts the report on its township's queue (once per external reference)."""
    event = held.report
    values = {
        **held.model_dump(include={"report_id", "recipient_id", "received_at"}),
        **held.model_dump(include={"county_code", "township_code", "village_code"}),
        "external_reference": event.external_reference,
        "event_id": event.event_id,
        "person_id": event.person_id,
        "status": event.status.value,
        "effective_date": event.effective_date,
        "city_reason_code": event.city_reason_code,
        "reason_zh": event.reason_zh,
        "report": event.model_dump(mode="json"),
        "state": held.state.value,
        "refusal_code": held.refusal_code,
        "refusal_zh": held.refusal_zh,
    }
    await session.execute(
        insert(city_report)
        .values(**seal_values(city_report, values, row=held.report_id))
        .on_conflict_do_nothing(index_elements=["external_reference"])
    )


async def get_city_report(
    session: AsyncSession, report_id: uuid.UUID, *, lock: bool = False
) -> HeldReport | None:
    """A held report (its row locked for update when ``lock``), or None."""
    stmt = _select().where(city_report.c.report_id == report_id)
    if lock:
        stmt = stmt.with_for_update(of=city_report)
    row = (await session.execute(stmt)).first()
    return _held(row) if row else None


async def list_city_reports(
    session: AsyncSession,
    township_code: str,
    states: frozenset[HeldState],
    number: int,
    size: int,
) -> tuple[list[HeldReport], int]:
    """One page of a township's reports in one of ``states``, oldest first."""
    reports = city_report.c
    stmt = (
        _select()
        .where(
            reports.township_code == township_code,
            reports.state.in_(sorted(s.value for s in states)),
        )
        .order_by(reports.received_at, reports.report_id)
    )
    rows, total = await page(session, stmt, number, size)
    return [_held(r) for r in rows], total


async def waiting_city_reports(session: AsyncSession, recipient_id: uuid.UUID) -> list[HeldReport]:
    """The recipient's refused reports, by the city's effective date then arrival, locked."""
    reports = city_report.c
    stmt = (
        _select()
        .where(reports.recipient_id == recipient_id, reports.state == HeldState.REFUSED.value)
        .order_by(reports.effective_date, reports.received_at, reports.report_id)
        .with_for_update(of=city_report)
    )
    return [_held(r) for r in (await session.execute(stmt)).all()]


async def decide_city_report(
    session: AsyncSession,
    held: HeldReport,
    *,
    decided_by: str | None,
    decided_at: datetime | None,
) -> None:
    """Records what became of a report still awaiting (its row was read under a lock)."""
    reports = city_report.c
    values = held.model_dump(include={"recipient_id", "refusal_code", "refusal_zh"})
    note = {"decision_note": held.decision_note}  # sealed to the report's row
    done = await session.execute(
        update(city_report)
        .where(
            reports.report_id == held.report_id,
            reports.state.in_(sorted(s.value for s in AWAITING)),
        )
        .values(
            **values,
            state=held.state.value,
            decided_by=decided_by,
            decided_at=decided_at,
            **seal_values(city_report, note, row=held.report_id),
        )
    )
    assert done.rowcount == 1, "city report decided under a lock"  # type: ignore[attr-defined]


async def place_of_applicant(
    session: AsyncSession, person_id: uuid.UUID
) -> tuple[str, str | None] | None:
    """(township, village) of the person's latest application at review, if any."""
    cases = review_case.c
    stmt = (
        select(cases.township_code, cases.village_code)
        .where(cases.person_id == person_id, cases.township_code.is_not(None))
        .order_by(cases.created_at.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return (row.township_code, row.village_code) if row else None


async def confirms_city_stops(session: AsyncSession, county_code: str) -> bool:
    """Whether the county wants an officer to confirm the city's stops (default: yes)."""
    stmt = select(county_setting.c.confirm_city_stops).where(
        county_setting.c.county_code == county_code
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    return True if found is None else bool(found)


async def get_county_setting(session: AsyncSession, county_code: str) -> CountySettings:
    """The county's settings (the defaults while no officer has changed them)."""
    stmt = select(county_setting).where(county_setting.c.county_code == county_code)
    row = (await session.execute(stmt)).first()
    found = dict(row._mapping) if row else {"county_code": county_code}
    return CountySettings.model_validate(found)


async def save_county_setting(
    session: AsyncSession, county_code: str, *, confirm: bool, by: str, at: datetime
) -> CountySettings:
    """Stores the county's settings (created or replaced); returns them as stored."""
    values = {"confirm_city_stops": confirm, "updated_by": by, "updated_at": at}
    stmt = (
        insert(county_setting)
        .values(county_code=county_code, **values)
        .on_conflict_do_update(index_elements=["county_code"], set_=values)
        .returning(county_setting)
    )
    return CountySettings.model_validate(dict((await session.execute(stmt)).one()._mapping))
