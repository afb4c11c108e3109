"""Use case of the preliminary review (初审) by the survey team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed
from survey import domain, events, repository
from survey.domain import SurveyTask
from survey.handlers.common import (
    first_answer,
    idempotency_key,
    remember_and_commit,
    use_case,
    visible_task,
)
from survey.schemas import PreliminaryPass, PreliminaryReviewIn
from survey.schemas import PreliminaryReviewRead as Read


@use_case
async def record_preliminary_review(
    cmd: PreliminaryReviewIn,
    *,
    uow: UnitOfWork,
    principal: Principal,
    survey_id: uuid.UUID,
    idempotency_key_header: str | None,
    now: datetime,
) -> Read:
    """Records 初审 (pass with a recommendation, or fail with a reason) and publishes it."""
    task = await visible_task(uow, survey_id, principal, lock=True)
    body = {**cmd.model_dump(mode="json"), "reason_zh": getattr(cmd, "reason_text", None)}
    scope = f"survey.preliminary-review:{survey_id}"
    key = idempotency_key(scope, idempotency_key_header or "", survey_id, body)
    if idempotency_key_header and (first := await first_answer(uow, key, Read)) is not None:
        return first
    done, event = await _decide(uow, task, cmd, by=principal.user_id, now=now)
    read = await _store(uow, done, body, event, by=principal.user_id, now=now)
    if idempotency_key_header:
        return await remember_and_commit(uow, key, read)
    await uow.commit()
    return read


async def _decide(
    uow: UnitOfWork, task: SurveyTask, cmd: PreliminaryReviewIn, *, by: str, now: datetime
) -> tuple[SurveyTask, PreliminaryReviewPassed | PreliminaryReviewFailed]:
    if not isinstance(cmd, PreliminaryPass):
        failed, team = domain.fail_review(task, by=by, now=now)
        return failed, events.review_failed(failed, team, cmd, correlation_id=None)
    found = await repository.get_findings(uow.session, task.survey_id)
    passed, team = domain.pass_review(
        task,
        by=by,
        category=cmd.recommended_category,
        conditions=cmd.recommended_conditions,
        confirmed=found.body["confirmed_conditions"] if found else (),
        now=now,
    )
    return passed, events.review_passed(passed, team, cmd, correlation_id=None)


async def _store(
    uow: UnitOfWork,
    task: SurveyTask,
    body: dict[str, Any],
    event: PreliminaryReviewPassed | PreliminaryReviewFailed,
    *,
    by: str,
    now: datetime,
) -> Read:
    reviewed_by = event.reviewed_by
    await repository.add_review(
        uow.session,
        survey_id=task.survey_id,
        body=body,
        reviewed_by=reviewed_by,
        recorded_by=by,
        recorded_at=now,
    )
    await repository.save_task(uow.session, task)
    uow.emit(event)
    return Read.model_validate(
        {
            **body,
            "survey_id": task.survey_id,
            "status": task.status,
            "version": task.version,
            "reviewed_by": list(reviewed_by),
            "recorded_by": by,
            "recorded_at": now,
        }
    )
