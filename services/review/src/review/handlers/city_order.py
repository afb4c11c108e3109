"""What one city report does to a recipient's history: applied now, held for the township's
confirmation, refused (kept on the township's queue with why), or superseded; and the refused
ones tried again, in the city's effective-date order, whenever another report applies
(``review.domain.city_order``). Nothing the city reports is only logged (issue 14)."""

from __future__ import annotations

import logging

from civic import clock
from civic.parking import park_current
from civic.uow import UnitOfWork
from contracts.intake import CityStatusResolved
from review import repository as repo
from review.domain import city
from review.domain.city import HeldReport, HeldState
from review.domain.city_order import judge
from review.domain.decision import Recipient
from review.domain.status import StatusChange
from review.handlers.recipients import apply_change

log = logging.getLogger(__name__)

#: Who "decided" a refused report that applied by itself once the report before it arrived.
CITY_ORDER = "review:city-order"
#: Why a report is parked when it names no recipient and no township (operations look).
NO_PLACE = "city_report_no_recipient_no_township"


async def settle(
    uow: UnitOfWork, before: Recipient, event: CityStatusResolved, change: StatusChange
) -> None:
    """Applies the report now, holds a stop or death, or keeps it with why it cannot apply."""
    session, now = uow.session, clock.now()
    refusal = judge(before, change)
    if refusal is not None:
        state = HeldState.SUPERSEDED if refusal.superseded else HeldState.REFUSED
        kept = city.held(event, before, received_at=now, state=state, refusal=refusal.pair)
        await repo.hold_city_report(session, kept)
        log.info("city report %s kept as %s: %s", event.external_reference, state, refusal.code)
        return
    if await _needs_confirmation(uow, before, change):
        await repo.hold_city_report(session, city.held(event, before, received_at=now))
        return
    after = await apply_change(uow, before, change, city.city_origin(event))
    await apply_waiting(uow, after)


async def _needs_confirmation(uow: UnitOfWork, recipient: Recipient, change: StatusChange) -> bool:
    confirms = await repo.confirms_city_stops(uow.session, recipient.county_code)
    return city.needs_confirmation(change, county_confirms=confirms)


async def apply_waiting(uow: UnitOfWork, recipient: Recipient) -> Recipient:
    """Tries the recipient's refused city reports again, by effective date, until none applies."""
    while True:
        for waiting in await repo.waiting_city_reports(uow.session, recipient.recipient_id):
            if (after := await _retry(uow, recipient, waiting)) is not None:
                recipient = after
                break  # the recipient changed: every refused report is judged afresh
        else:
            return recipient


async def _retry(uow: UnitOfWork, recipient: Recipient, waiting: HeldReport) -> Recipient | None:
    """Applies one refused report if it now fits; the recipient after it, else None."""
    change = city.change_from_city(waiting.report)
    assert change is not None  # only changes of a recipient are kept as refused
    refusal = judge(recipient, change)
    if refusal is not None:
        if refusal.superseded:
            await _restate(uow, waiting, HeldState.SUPERSEDED, refusal.pair)
        return None
    if await _needs_confirmation(uow, recipient, change):
        await _restate(uow, waiting, HeldState.PENDING, None)
        return None
    after = await apply_change(uow, recipient, change, city.city_origin(waiting.report))
    await _restate(uow, waiting, HeldState.APPLIED, None)
    return after


async def _restate(
    uow: UnitOfWork, held: HeldReport, state: HeldState, refusal: tuple[str, str] | None
) -> None:
    code, reason = refusal or (None, None)
    changed = held.model_copy(update={"state": state, "refusal_code": code, "refusal_zh": reason})
    by, at = (None, None) if state is HeldState.PENDING else (CITY_ORDER, clock.now())
    await repo.decide_city_report(uow.session, changed, decided_by=by, decided_at=at)


async def keep_unmatched(uow: UnitOfWork, event: CityStatusResolved) -> None:
    """A report about someone who is no recipient: on the queue of their township, if known."""
    session = uow.session
    place = (event.township_code, event.village_code) if event.township_code else None
    place = place or await repo.place_of_applicant(session, event.person_id)
    if place is None:
        # No township to show it to: parked for operations (civic-parked), never dropped.
        await park_current(uow, NO_PLACE, event.event_type)
        log.warning("city report %s names no recipient nor township", event.external_reference)
        return
    await repo.hold_city_report(session, city.unmatched(event, place, received_at=clock.now()))
