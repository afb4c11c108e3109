"""Use case of the team's upload from the 智慧民政 app: idempotent, offline-friendly."""

from __future__ import annotations

import uuid
from datetime import datetime

from civic.errors import Conflict
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts import calendar
from survey import domain, events, repository
from survey.domain import SurveyTask
from survey.handlers.common import (
    IdemKey,
    first_answer,
    idempotency_key,
    remember_and_commit,
    use_case,
    visible_task,
)
from survey.schemas import FindingsIn, FindingsReceipt

SCOPE = "survey.findings"


@use_case
async def submit_findings(
    cmd: FindingsIn,
    *,
    uow: UnitOfWork,
    principal: Principal,
    survey_id: uuid.UUID,
    submission_id: uuid.UUID,
    now: datetime,
) -> FindingsReceipt:
    """Stores the team's findings once; the same upload again gets the first answer."""
    task = await visible_task(uow, survey_id, principal, lock=True)
    domain.ensure_team_member(task, principal.user_id)
    body = cmd.model_dump(mode="json")
    key = idempotency_key(SCOPE, str(submission_id), survey_id, body)
    if (first := await _earlier_upload(uow, key)) is not None:
        return first
    done = domain.accept_findings(
        task,
        by=principal.user_id,
        visited_at=cmd.visited_at,
        confirmed_by=cmd.confirmed_by,
        now=now,
    )
    await repository.add_findings(
        uow.session, task=done, submission_id=submission_id, submitted_by=principal.user_id,
        body=body, received_at=now,
    )  # fmt: skip
    await repository.save_task(uow.session, done)
    uow.emit(events.survey_completed(done, cmd, correlation_id=str(submission_id)))
    return await remember_and_commit(uow, key, _receipt(done, cmd, submission_id, now))


async def _earlier_upload(uow: UnitOfWork, key: IdemKey) -> FindingsReceipt | None:
    try:
        return await first_answer(uow, key, FindingsReceipt)
    except Conflict as reused:
        raise Conflict(
            "该提交编号已用于另一份不同的调查结果；新的提交请使用新的编号",
            code="submission_id_reused",
            field="path.submission_id",
        ) from reused


def _receipt(
    task: SurveyTask, cmd: FindingsIn, submission_id: uuid.UUID, now: datetime
) -> FindingsReceipt:
    return FindingsReceipt(
        survey_id=task.survey_id,
        submission_id=submission_id,
        status=task.status,
        version=task.version,
        visited_on=calendar.day_of(cmd.visited_at),
        received_at=now,
    )
