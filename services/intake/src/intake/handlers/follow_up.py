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
from intake.repository import IntakeRecords

log = logging.getLogger(__name__)


def _check_month(month: str) -> None:
    try:
        city.month_start(month)
    except ValueError:
        raise Unprocessable("月份格式应为 YYYY-MM", code="bad_month", field="path.month") from None
    if month > clock.month():
        raise Unprocessable("不能为尚未开始的月份跟进", code="month_in_future", field="path.month")


async def open_follow_up_applications(
    month: str, *, uow: UnitOfWork, records: IntakeRecords
) -> list[uuid.UUID]:
    """Opens and registers an application for each admitted person without one, once a month."""
    _check_month(month)
    before = calendar.first_of_next_month(city.month_start(month))
    async with uow:
        waiting = await records.awaiting_follow_up(before=before, month=month)
    opened = []
    # One transaction per person: one person's failure does not undo the others'.
    for admission in waiting:
        async with uow:
            if (application_id := await _follow_up(uow, records, admission, month)) is not None:
                opened.append(application_id)
            await uow.commit()
    log.info("follow-up %s opened %d applications", month, len(opened))
    return opened


async def _follow_up(
    uow: UnitOfWork, records: IntakeRecords, admission: Admission, month: str
) -> uuid.UUID | None:
    """One person's application: submitted, registered for the township, and recorded."""
    await records.lock(f"follow-up:{admission.person_id}")
    if admission.village_code is None:
        log.warning("person %s admitted without a village; no follow-up", admission.person_id)
        return None
    if await records.has_application(admission.person_id):
        return None  # someone applied (or a run finished) since the list was read
    applicant, household = await records.person_details(admission.person_id)
    household_id = household or uuid.uuid4()
    app = city.follow_up_application(
        admission, applicant, household_id=household_id, at=clock.now()
    )
    await records.set_household([admission.person_id], household_id)
    await records.insert_application(app, member_person_ids=(), consent_given_at=None)
    uow.emit(events.submitted(app))
    note = "系统按月度跟进自动受理登记，待入户调查评估服务需求"
    done = advance(app, ApplicationStatus.REGISTERED, at=clock.now(), note_zh=note)
    await records.save_change(done, registered_by=FOLLOW_UP_USER)
    uow.emit(events.registered(done, officer_id=FOLLOW_UP_USER))
    await records.add_follow_up(admission.person_id, month, app.application_id)
    return app.application_id
