"""The monthly follow-up (有进有出): an application for each person the city newly admitted."""

from __future__ import annotations

import logging
import uuid

from civic import clock
from civic.errors import Unprocessable
from civic.uow import UnitOfWork
from contracts import calendar
from intake.domain import city, events
from intake.domain.city import FOLLOW_UP_USER, Admission
from intake.domain.model import advance
from intake.domain.status import ApplicationStatus
from intake.handlers.common import publish
from intake.repository import applications, persons
from intake.repository import city as reports

log = logging.getLogger(__name__)


def _check_month(month: str) -> None:
    try:
        city.month_start(month)
    except ValueError:
        raise Unprocessable("月份格式应为 YYYY-MM", code="bad_month", field="path.month") from None
    if month > clock.month():
        raise Unprocessable("不能为尚未开始的月份跟进", code="month_in_future", field="path.month")


async def open_follow_up_applications(month: str, *, uow: UnitOfWork) -> list[uuid.UUID]:
    """Opens and registers an application for each admitted person without one, once a month."""
    _check_month(month)
    before = calendar.first_of_next_month(city.month_start(month))
    async with uow:
        waiting = await reports.awaiting_follow_up(uow.session, before=before, month=month)
    opened = []
    for admission in waiting:
        async with uow:
            if (application_id := await _follow_up(uow, admission, month)) is not None:
                opened.append(application_id)
            await uow.commit()
    log.info("follow-up %s opened %d applications", month, len(opened))
    return opened


async def _follow_up(uow: UnitOfWork, admission: Admission, month: str) -> uuid.UUID | None:
    """One person's application: submitted, registered for the township, and recorded."""
    await persons.lock_key(uow.session, f"follow-up:{admission.person_id}")
    if admission.village_code is None:
        log.warning("person %s admitted without a village; no follow-up", admission.person_id)
        return None
    if await reports.has_application(uow.session, admission.person_id):
        return None  # someone applied (or a run finished) since the list was read
    applicant, household = await reports.person_details(uow.session, admission.person_id)
    household_id = household or uuid.uuid4()
    app = city.follow_up_application(
        admission, applicant, household_id=household_id, at=clock.now()
    )
    await persons.set_household(uow.session, [admission.person_id], household_id)
    await applications.insert_application(
        uow.session, app, member_person_ids=(), consent_given_at=None
    )
    publish(uow, events.submitted(app))
    note = "系统按月度跟进自动受理登记，待入户调查评估服务需求"
    done = advance(app, ApplicationStatus.REGISTERED, at=clock.now(), note_zh=note)
    await applications.save_change(uow.session, done, registered_by=FOLLOW_UP_USER)
    publish(uow, events.registered(done, officer_id=FOLLOW_UP_USER))
    await reports.add_follow_up(uow.session, admission.person_id, month, app.application_id)
    return app.application_id
