"""The city system's status reports: applied at once, or held until a township officer of the
recipient's township confirms or refuses one that would end the services (issue 13)."""

from __future__ import annotations

import logging
import uuid

from civic import clock
from civic.errors import NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.intake import CityStatusResolved
from review import repository as repo
from review.domain import city, status
from review.domain.case import RuleViolation, StateConflict
from review.domain.city import CountySettings, HeldReport, HeldState
from review.handlers.common import refusals
from review.handlers.recipients import apply_change

log = logging.getLogger(__name__)


async def apply_city_status(event: CityStatusResolved, *, uow: UnitOfWork) -> None:
    """Applies the city's report once per external reference; a stop or death may wait instead."""
    ref, session = event.external_reference, uow.session
    if await repo.status_reference_known(session, ref) or await repo.city_report_known(
        session, ref
    ):
        log.info("city status report %s was received before; nothing to do", ref)
        return
    recipient_id = await repo.open_recipient_of(session, event.person_id)
    change = city.change_from_city(event)
    if recipient_id is None or change is None:
        log.info("city status report %s is no change of a recipient; not recorded", ref)
        return
    before = await repo.get_recipient(session, recipient_id, lock=True)
    assert before is not None
    try:
        status.change_status(before, change)  # refused now: the city's word changes nothing
        confirms = await repo.confirms_city_stops(session, before.county_code)
        if city.needs_confirmation(change, county_confirms=confirms):
            await repo.hold_city_report(session, city.held(event, before, received_at=clock.now()))
            log.info("city status report %s on %s awaits confirmation", ref, recipient_id)
            return
        await apply_change(uow, before, change, city.city_origin(event))
    except (StateConflict, RuleViolation) as refused:
        # Stale (before the last change) or not allowed now: the city's word changes nothing.
        log.warning("city status report %s on %s ignored: %s", ref, recipient_id, refused.code)


async def list_city_reports(
    township_code: str,
    state: HeldState,
    *,
    page: int,
    size: int,
    uow: UnitOfWork,
    officer: Principal,
) -> tuple[list[HeldReport], int]:
    """One page of the township's held city reports in ``state``, oldest first."""
    ensure_jurisdiction(officer, township_code)
    async with uow:
        return await repo.list_city_reports(uow.session, township_code, state, page, size)


async def _pending(uow: UnitOfWork, report_id: uuid.UUID, officer: Principal) -> HeldReport:
    held = await repo.get_city_report(uow.session, report_id, lock=True)
    if held is None:
        raise NotFound("未找到该市救助系统报告", code="city_report_not_found")
    ensure_jurisdiction(officer, held.village_code)
    with refusals():
        held.ensure_pending()
    return held


async def confirm_city_report(
    report_id: uuid.UUID, *, uow: UnitOfWork, officer: Principal
) -> HeldReport:
    """Applies a held report as the city reported it, confirmed by the officer, in one commit."""
    async with uow:
        held = await _pending(uow, report_id, officer)
        before = await repo.get_recipient(uow.session, held.recipient_id, lock=True)
        change = city.change_from_city(held.report)
        # Held only for a stop or death of a recipient (the FK keeps the recipient).
        assert before is not None
        assert change is not None
        with refusals():
            origin = city.confirmed_origin(held.report, officer.user_id)
            await apply_change(uow, before, change, origin)
        decided = await _decide(uow, held, HeldState.CONFIRMED, officer, note=None)
        await uow.commit()
    return decided


async def reject_city_report(
    report_id: uuid.UUID, reason_zh: str, *, uow: UnitOfWork, officer: Principal
) -> HeldReport:
    """Refuses a held report: the recipient stays as is, and the decision is kept."""
    async with uow:
        held = await _pending(uow, report_id, officer)
        decided = await _decide(uow, held, HeldState.REJECTED, officer, note=reason_zh)
        await uow.commit()
    return decided


async def _decide(
    uow: UnitOfWork, held: HeldReport, state: HeldState, officer: Principal, *, note: str | None
) -> HeldReport:
    at = clock.now()
    await repo.decide_city_report(
        uow.session, held.report_id, state, decided_by=officer.user_id, decided_at=at, note=note
    )
    update = {"state": state, "decided_by": officer.user_id, "decided_at": at}
    return held.model_copy(update={**update, "decision_note": note})


def _ensure_county(county_code: str, officer: Principal) -> None:
    ensure_jurisdiction(officer, county_code)
    found = divisions.get(county_code)
    if found is None or found.level is not DivisionLevel.COUNTY:
        raise NotFound("该代码不是县(区)级区划", code="unknown_county", field="path.county_code")


async def read_county_settings(
    county_code: str, *, uow: UnitOfWork, officer: Principal
) -> CountySettings:
    """The county's settings (the defaults until a county officer changes them)."""
    _ensure_county(county_code, officer)
    async with uow:
        row = await repo.get_county_setting(uow.session, county_code)
    return CountySettings.model_validate(row or {"county_code": county_code})


async def set_county_settings(
    county_code: str, *, confirm_city_stops: bool, uow: UnitOfWork, officer: Principal
) -> CountySettings:
    """Stores whether the city's stops and deaths wait for a township officer in the county."""
    _ensure_county(county_code, officer)
    async with uow:
        row = await repo.save_county_setting(
            uow.session,
            county_code,
            confirm=confirm_city_stops,
            by=officer.user_id,
            at=clock.now(),
        )
        await uow.commit()
    return CountySettings.model_validate(row)
