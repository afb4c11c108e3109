"""The city system's status reports: applied at once, held until a township officer of the
recipient's township confirms or refuses one that would end the services (issue 13), or kept
on that officer's queue when they cannot apply (issue 14: ``handlers.city_order``)."""

from __future__ import annotations

import logging
import uuid

from civic import clock
from civic.errors import Conflict, NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.intake import CityStatusResolved
from review import repository as repo
from review.domain import city
from review.domain.city import AWAITING, CountySettings, HeldReport, HeldState
from review.domain.decision import Recipient
from review.handlers.city_order import apply_waiting, keep_unmatched, settle
from review.handlers.recipients import apply_change

log = logging.getLogger(__name__)


async def apply_city_status(event: CityStatusResolved, *, uow: UnitOfWork) -> None:
    """Applies the city's report once per external reference, or keeps it for the township."""
    async with uow:
        await _apply_city_status(event, uow)
        await uow.commit()


async def _apply_city_status(event: CityStatusResolved, uow: UnitOfWork) -> None:
    ref, session = event.external_reference, uow.session
    if await repo.status_reference_known(session, ref) or await repo.city_report_known(
        session, ref
    ):
        log.info("city status report %s was received before; nothing to do", ref)
        return
    change = city.change_from_city(event)
    if change is None:  # an admission: intake's monthly follow-up opens the application
        log.info("city status report %s admits a person; nothing to change here", ref)
        return
    recipient_id = await repo.open_recipient_of(session, event.person_id)
    recipient_id = recipient_id or await repo.last_recipient_of(session, event.person_id)
    if recipient_id is None:
        await keep_unmatched(uow, event)
        return
    before = await repo.get_recipient(session, recipient_id, lock=True)
    assert before is not None
    await settle(uow, before, event, change)


async def list_city_reports(
    township_code: str,
    state: HeldState | None,
    *,
    page: int,
    size: int,
    uow: UnitOfWork,
    officer: Principal,
) -> tuple[list[HeldReport], int]:
    """One page of the township's city reports in ``state`` (None: awaiting), oldest first."""
    ensure_jurisdiction(officer, township_code)
    states = AWAITING if state is None else frozenset({state})
    async with uow:
        return await repo.list_city_reports(uow.session, township_code, states, page, size)


async def _awaiting(uow: UnitOfWork, report_id: uuid.UUID, officer: Principal) -> HeldReport:
    held = await repo.get_city_report(uow.session, report_id, lock=True)
    if held is None:
        raise NotFound("未找到该市救助系统报告", code="city_report_not_found")
    ensure_jurisdiction(officer, held.village_code or held.township_code)
    held.ensure_awaiting()
    return held


async def _recipient_for(uow: UnitOfWork, held: HeldReport, officer: Principal) -> Recipient:
    """The recipient the report is about, now (a person may have become one meanwhile)."""
    found = held.recipient_id or await repo.open_recipient_of(uow.session, held.report.person_id)
    if found is None:
        raise Conflict(
            "该人员仍不是服务对象，无法应用市救助系统报告；如无需处理，请不予采纳",
            code=city.NOT_A_RECIPIENT[0],
        )
    before = await repo.get_recipient(uow.session, found, lock=True)
    assert before is not None  # the foreign key, or just found
    ensure_jurisdiction(officer, before.village_code)
    return before


async def confirm_city_report(
    report_id: uuid.UUID, *, uow: UnitOfWork, officer: Principal
) -> HeldReport:
    """Applies a kept report as the city reported it, confirmed by the officer, in one commit;
    a report the history still refuses is answered 409/422 and stays on the queue."""
    async with uow:
        held = await _awaiting(uow, report_id, officer)
        before = await _recipient_for(uow, held, officer)
        change = city.change_from_city(held.report)
        assert change is not None  # only changes of a recipient are kept
        origin = city.confirmed_origin(held.report, officer.user_id)
        after = await apply_change(uow, before, change, origin)
        matched = held.model_copy(update={"recipient_id": before.recipient_id})
        decided = await _decide(uow, matched, HeldState.CONFIRMED, officer, note=None)
        await apply_waiting(uow, after)
        await uow.commit()
    return decided.model_copy(update={"display_name": before.display_name})


async def reject_city_report(
    report_id: uuid.UUID, reason_zh: str, *, uow: UnitOfWork, officer: Principal
) -> HeldReport:
    """Refuses a kept report: the recipient stays as is, and the decision is kept."""
    async with uow:
        held = await _awaiting(uow, report_id, officer)
        decided = await _decide(uow, held, HeldState.REJECTED, officer, note=reason_zh)
        await uow.commit()
    return decided


async def _decide(
    uow: UnitOfWork, held: HeldReport, state: HeldState, officer: Principal, *, note: str | None
) -> HeldReport:
    at = clock.now()
    update = {"state": state, "decided_by": officer.user_id, "decided_at": at}
    decided = held.model_copy(update={**update, "decision_note": note})
    await repo.decide_city_report(uow.session, decided, decided_by=officer.user_id, decided_at=at)
    return decided


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
        return await repo.get_county_setting(uow.session, county_code)


async def set_county_settings(
    county_code: str, *, confirm_city_stops: bool, uow: UnitOfWork, officer: Principal
) -> CountySettings:
    """Stores whether the city's stops and deaths wait for a township officer in the county."""
    _ensure_county(county_code, officer)
    async with uow:
        saved = await repo.save_county_setting(
            uow.session,
            county_code,
            confirm=confirm_city_stops,
            by=officer.user_id,
            at=clock.now(),
        )
        await uow.commit()
    return saved
