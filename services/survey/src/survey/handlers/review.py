"""Use case of the preliminary review (初审) by the survey team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from civic.idempotency import Answer, Retry
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed
from survey import domain
from survey.domain import RecordedReview, ReviewDecision, ReviewPass, StoredReview, SurveyTask
from survey.domain import events as survey_events
from survey.handlers.common import visible_task
from survey.repository import SurveyRepository

ROUTE = "survey.preliminary-review"


async def record_preliminary_review(
    decision: ReviewDecision,
    *,
    uow: UnitOfWork,
    records: SurveyRepository,
    principal: Principal,
    survey_id: uuid.UUID,
    idempotency_key: str | None,
    now: datetime,
) -> RecordedReview:
    """Records 初审 (pass with a recommendation, or fail with a reason) and publishes it."""
    retry = Retry.of(
        idempotency_key,
        route=f"{ROUTE}:{survey_id}",
        user_id=principal.user_id,
        body={"survey_id": str(survey_id), "body": decision.stored},
    )
    async with uow:
        task = await visible_task(records, survey_id, principal, lock=True)
        if (first := await records.replayed(retry)) is not None:
            return await _replayed_review(records, task, first.body)
        done, event = await _decide(records, task, decision, by=principal.user_id, now=now)
        review = StoredReview(survey_id, decision.stored, event.reviewed_by, principal.user_id, now)
        await records.add_review(review)
        await records.save_task(done)
        uow.emit(event)
        recorded = RecordedReview(
            review=review, person_id=task.person_id, status=done.status, version=done.version
        )
        await records.remember(retry, Answer(201, answer_of(recorded)))
        await uow.commit()
        return recorded


async def _decide(
    records: SurveyRepository,
    task: SurveyTask,
    decision: ReviewDecision,
    *,
    by: str,
    now: datetime,
) -> tuple[SurveyTask, PreliminaryReviewPassed | PreliminaryReviewFailed]:
    if not isinstance(decision, ReviewPass):
        failed, team = domain.fail_review(task, by=by, now=now)
        return failed, survey_events.review_failed(failed, team, decision, correlation_id=None)
    findings = await records.get_findings(task.survey_id)
    passed, team = domain.pass_review(
        task,
        by=by,
        category=decision.recommended_category,
        conditions=decision.recommended_conditions,
        confirmed=findings.confirmed_conditions if findings else (),
        now=now,
    )
    return passed, survey_events.review_passed(passed, team, decision, correlation_id=None)


def answer_of(recorded: RecordedReview) -> dict[str, Any]:
    """What a retry's answer is rebuilt from: the task's status and version after the review.

    The decision itself stays in the sealed ``preliminary_review`` row: the stored answer is
    plain JSON, and the team's notes may name health or income.
    """
    return {"status": recorded.status.value, "version": recorded.version}


async def _replayed_review(
    records: SurveyRepository, task: SurveyTask, answer: dict[str, Any]
) -> RecordedReview:
    # One 初审 per task (the key's route names the task), written with the answer.
    review = await records.get_review(task.survey_id)
    assert review is not None, "the review is stored in the transaction that stored its answer"
    status = domain.TaskStatus(answer["status"])
    return RecordedReview(
        review=review, person_id=task.person_id, status=status, version=int(answer["version"])
    )
