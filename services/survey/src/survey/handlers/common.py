"""What the use cases share: refusals as problems, locked loads, idempotent answers."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel

from civic.errors import Conflict, Forbidden, NotFound, ProblemError, Unprocessable
from civic.idempotency import remember_response, request_fingerprint, stored_response
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from survey import domain, repository
from survey.domain import SurveyTask
from survey.schemas import FindingsRead, PreliminaryReviewRead, SurveyTaskRead, SurveyTaskSummary

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)

_PROBLEMS: dict[str, type[ProblemError]] = {
    "invalid": Unprocessable,
    "conflict": Conflict,
    "forbidden": Forbidden,
}


def use_case(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turns a domain refusal into the matching problem document (422, 409 or 403)."""

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except domain.Refusal as refusal:
            problem = _PROBLEMS[refusal.kind]
            raise problem(refusal.message, code=refusal.code, field=refusal.field) from refusal

    return run


async def visible_task(
    uow: UnitOfWork, survey_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> SurveyTask:
    """The task if it exists (404) and lies in the caller's jurisdiction (403), maybe locked."""
    task = await repository.get_task(uow.session, survey_id, for_update=lock)
    if task is None:
        raise NotFound("调查任务不存在", code="survey_not_found", field="path.survey_id")
    ensure_jurisdiction(principal, task.village_code)
    return task


async def read_model(uow: UnitOfWork, task: SurveyTask, today: date) -> SurveyTaskRead:
    """The full read model of a task: summary, claimed facts, findings and 初审."""
    found = await repository.get_findings(uow.session, task.survey_id)
    reviewed = await repository.get_review(uow.session, task.survey_id)
    findings = found and FindingsRead.from_stored(
        found.body,
        submission_id=found.submission_id,
        submitted_by=found.submitted_by,
        received_at=found.received_at,
    )
    review = reviewed and PreliminaryReviewRead.model_validate(
        {**reviewed._mapping, **reviewed.body, "status": task.status, "version": task.version}
    )
    claimed = ("household_id", "household_size", "cancel_reason", "special_conditions")
    return SurveyTaskRead.model_validate(
        {
            **SurveyTaskSummary.summary_fields(task, today),
            **{k: getattr(task, k) for k in claimed},
            "requested_item_codes": task.requested_item_codes,
            "need_categories": task.need_categories,
            "findings": findings or None,
            "preliminary_review": review or None,
        }
    )


IdemKey = tuple[str, str, str]


def idempotency_key(scope: str, key: str, survey_id: uuid.UUID, body: dict[str, Any]) -> IdemKey:
    """(scope, key, fingerprint of the survey id and the body)."""
    return scope, key, request_fingerprint({"survey_id": str(survey_id), "body": body})


async def first_answer(uow: UnitOfWork, key: IdemKey, model: type[M]) -> M | None:
    """The answer stored for this key, if the same request came before (409 if it differed)."""
    scope, idem_key, fingerprint = key
    stored = await stored_response(uow.session, scope=scope, key=idem_key, fingerprint=fingerprint)
    return None if stored is None else model.model_validate(stored[1])


async def remember_and_commit(uow: UnitOfWork, key: IdemKey, answer: M) -> M:
    """Stores the answer under the key in the effect's transaction, then commits."""
    scope, idem_key, fingerprint = key
    await remember_response(
        uow.session,
        scope=scope,
        key=idem_key,
        fingerprint=fingerprint,
        status_code=200,
        response=answer.model_dump(mode="json"),
    )
    await uow.commit()
    return answer
