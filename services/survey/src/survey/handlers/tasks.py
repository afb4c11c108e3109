"""Use cases of the task itself: open, cancel, list, read, assign the team."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime

from civic.errors import Forbidden, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import calendar, divisions
from contracts.divisions import DivisionLevel
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from survey import domain, events, repository
from survey.domain import SurveyTask, TaskStatus
from survey.handlers.common import read_model, use_case, visible_task
from survey.schemas import SurveyTaskPage, SurveyTaskRead, SurveyTaskSummary, TeamIn

log = logging.getLogger(__name__)

#: What the task copies from the registration: ids, divisions and the claim (no name, no ID).
_FACTS = (
    "application_id",
    "person_id",
    "household_id",
    "county_code",
    "township_code",
    "village_code",
    "display_name",
    "category",
    "special_conditions",
    "requested_item_codes",
    "need_categories",
    "household_size",
)


async def open_task(
    event: ApplicationRegistered, *, uow: UnitOfWork, due_days: int, now: datetime
) -> None:
    """Creates the survey task of a registered application (once per application)."""
    task = SurveyTask(
        survey_id=uuid.uuid4(),
        **{k: getattr(event, k) for k in _FACTS},
        application_version=event.version,
        due_date=domain.due_date_for(event.occurred_at, due_days),
        created_at=now,
        updated_at=now,
    )
    if not await repository.add_task(uow.session, task):
        log.info("application %s already has a survey task", event.application_id)
        return
    uow.emit(events.task_created(task, correlation_id=str(event.event_id)))


async def cancel_task(event: ApplicationWithdrawn, *, uow: UnitOfWork, now: datetime) -> None:
    """Cancels the unfinished task of a withdrawn application; stale withdrawals change nothing."""
    task = await repository.task_of_application(uow.session, event.application_id)
    reason = event.reason_code.value
    cancelled = task and domain.cancel(
        task, application_version=event.version, reason=reason, now=now
    )
    if not cancelled:
        log.info("withdrawal of %s leaves its survey task as it is", event.application_id)
        return
    await repository.save_task(uow.session, cancelled)


async def list_tasks(
    *,
    uow: UnitOfWork,
    principal: Principal,
    village_code: str | None,
    status: TaskStatus | None,
    page: int,
    size: int,
    today: date,
) -> SurveyTaskPage:
    """One page of the tasks inside the caller's jurisdiction (or of one village in it)."""
    if principal.division is None:
        raise Forbidden("该事项不在您的管辖范围内", code="outside_jurisdiction")
    scope = village_code or principal.division
    if divisions.get(scope) is None:
        raise Unprocessable("区划代码不存在", code="unknown_division", field="query.village_code")
    ensure_jurisdiction(principal, scope)
    # Codes nest by prefix below the county; the city (341700) holds counties that do not.
    prefix = "" if divisions.level_of(scope) is DivisionLevel.CITY else scope
    tasks, total = await repository.list_tasks(
        uow.session, division_prefix=prefix, status=status, offset=(page - 1) * size, limit=size
    )
    items = [SurveyTaskSummary.of(t, today) for t in tasks]
    return SurveyTaskPage(items=items, total=total, page=page, size=size)


async def read_task(
    survey_id: uuid.UUID, *, uow: UnitOfWork, principal: Principal, today: date
) -> SurveyTaskRead:
    """One task with its team, findings and 初审, if inside the caller's jurisdiction."""
    task = await visible_task(uow, survey_id, principal)
    return await read_model(uow, task, today)


@use_case
async def assign_team(
    cmd: TeamIn, *, uow: UnitOfWork, principal: Principal, survey_id: uuid.UUID, now: datetime
) -> SurveyTaskRead:
    """Assigns (or re-assigns) the two-person team; the same team again emits nothing."""
    task = await visible_task(uow, survey_id, principal, lock=True)
    changed = domain.assign_team(
        task,
        village_staff_id=cmd.village_staff_id,
        coordinator_id=cmd.coordinator_id,
        by=principal.user_id,
        now=now,
    )
    if changed is not None and changed.team is not None:
        await repository.save_task(uow.session, changed)
        uow.emit(events.team_assigned(changed, changed.team, correlation_id=None))
        await uow.commit()
    return await read_model(uow, changed or task, calendar.day_of(now))
