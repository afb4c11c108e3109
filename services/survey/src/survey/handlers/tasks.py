"""Use cases of the task itself: open, cancel, list, read, assign the team."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from civic import clock
from civic.errors import Forbidden, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import divisions
from contracts.divisions import DivisionLevel
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from survey import domain
from survey.domain import SurveyTask, TaskPage, TaskStatus, TaskView, TeamChoice, events
from survey.handlers.common import task_view, visible_task
from survey.repository import SurveyRepository

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
    event: ApplicationRegistered,
    *,
    uow: UnitOfWork,
    records: SurveyRepository,
    due_days: int,
    now: datetime,
) -> None:
    """Creates the survey task of a registered application (once per application)."""
    task = SurveyTask(
        survey_id=uuid.uuid4(),
        **{name: getattr(event, name) for name in _FACTS},
        application_version=event.version,
        due_date=domain.due_date_for(event.occurred_at, due_days),
        created_at=now,
        updated_at=now,
    )
    async with uow:
        if not await records.add_task(task):
            log.info("application %s already has a survey task", event.application_id)
            return
        uow.emit(events.task_created(task, correlation_id=str(event.event_id)))
        await uow.commit()


async def cancel_task(
    event: ApplicationWithdrawn, *, uow: UnitOfWork, records: SurveyRepository, now: datetime
) -> None:
    """Cancels the unfinished task of a withdrawal; a stale withdrawal changes nothing."""
    async with uow:
        task = await records.task_of_application(event.application_id)
        cancelled = task and domain.cancel(
            task, application_version=event.version, reason=event.reason_code.value, now=now
        )
        if not cancelled:
            log.info("withdrawal of %s leaves its survey task as it is", event.application_id)
            return
        await records.save_task(cancelled)
        await uow.commit()


async def list_tasks(
    *,
    uow: UnitOfWork,
    records: SurveyRepository,
    principal: Principal,
    village_code: str | None,
    status: TaskStatus | None,
    page: int,
    size: int,
    overdue_only: bool = False,
) -> TaskPage:
    """One page of the tasks inside the caller's jurisdiction (or of one village in it), with
    the progress counts of that scope."""
    if principal.division is None:
        raise Forbidden("该事项不在您的管辖范围内", code="outside_jurisdiction")
    scope = village_code or principal.division
    if divisions.get(scope) is None:
        raise Unprocessable("区划代码不存在", code="unknown_division", field="query.village_code")
    ensure_jurisdiction(principal, scope)
    # Codes nest by prefix below the county; the city (341700) holds counties that do not.
    prefix = "" if divisions.level_of(scope) is DivisionLevel.CITY else scope
    async with uow:
        return await records.list_tasks(
            division_prefix=prefix,
            status=status,
            today=clock.today(),
            overdue_only=overdue_only,
            offset=(page - 1) * size,
            limit=size,
        )


async def read_task(
    survey_id: uuid.UUID, *, uow: UnitOfWork, records: SurveyRepository, principal: Principal
) -> TaskView:
    """One task with its team, findings and 初审, if inside the caller's jurisdiction."""
    async with uow:
        task = await visible_task(records, survey_id, principal)
        return await task_view(records, task)


async def assign_team(
    choice: TeamChoice,
    *,
    uow: UnitOfWork,
    records: SurveyRepository,
    principal: Principal,
    survey_id: uuid.UUID,
    now: datetime,
) -> TaskView:
    """Assigns (or re-assigns) the two-person team; the same team again emits nothing."""
    async with uow:
        task = await visible_task(records, survey_id, principal, lock=True)
        changed = domain.assign_team(
            task,
            village_staff_id=choice.village_staff_id,
            coordinator_id=choice.coordinator_id,
            by=principal.user_id,
            now=now,
        )
        if changed is not None and changed.team is not None:
            await records.save_task(changed)
            uow.emit(events.team_assigned(changed, changed.team, correlation_id=None))
        view = await task_view(records, changed or task)
        await uow.commit()
        return view
