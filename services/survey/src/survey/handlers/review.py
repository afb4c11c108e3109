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
#: Keys of the stored answer that are not the decision itself.
_ANSWER_META = ("survey_id", "status", "version", "reviewed_by", "recorded_by", "recorded_at")


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
            return recorded_of(first.body)
        done, event = await _decide(records, task, decision, by=principal.user_id, now=now)
        review = StoredReview(survey_id, decision.stored, event.reviewed_by, principal.user_id, now)
        await records.add_review(review)
        await records.save_task(done)
        uow.emit(event)
        recorded = RecordedReview(review=review, status=done.status, version=done.version)
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
    """The answer a retry gets again, flat as the HTTP answer (the decision and its outcome)."""
    review = recorded.review
    return {
        **review.body,
        "survey_id": str(review.survey_id),
        "status": recorded.status.value,
        "version": recorded.version,
        "reviewed_by": list(review.reviewed_by),
        "recorded_by": review.recorded_by,
        "recorded_at": review.recorded_at.isoformat(),
    }


def recorded_of(answer: dict[str, Any]) -> RecordedReview:
    """The recorded review a stored answer describes (the inverse of ``answer_of``)."""
    review = StoredReview(
        survey_id=uuid.UUID(answer["survey_id"]),
        body={key: value for key, value in answer.items() if key not in _ANSWER_META},
        reviewed_by=tuple(answer["reviewed_by"]),
        recorded_by=answer["recorded_by"],
        recorded_at=datetime.fromisoformat(answer["recorded_at"]),
    )
    status = domain.TaskStatus(answer["status"])
    return RecordedReview(review=review, status=status, version=int(answer["version"]))
