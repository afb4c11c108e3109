"""Use case of the team's upload from the 智慧民政 app: idempotent, offline-friendly."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import TypeAdapter

from civic.errors import Conflict
from civic.idempotency import Answer, Retry, request_fingerprint
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts import calendar
from survey import domain
from survey.domain import FindingsReceipt, FindingsUpload, StoredFindings, SurveyTask, events
from survey.handlers.common import visible_task
from survey.repository import SurveyRepository

#: One scope for every upload: the app's submission id names an upload, whoever retries it.
SCOPE = "survey.findings"
_RECEIPT = TypeAdapter(FindingsReceipt)


def upload_retry(upload: FindingsUpload, survey_id: uuid.UUID, submission_id: uuid.UUID) -> Retry:
    """The retry key of an upload: its submission id, for this survey and this body."""
    fingerprint = request_fingerprint({"survey_id": str(survey_id), "body": upload.stored})
    return Retry(scope=SCOPE, key=str(submission_id), fingerprint=fingerprint)


async def submit_findings(
    upload: FindingsUpload,
    *,
    uow: UnitOfWork,
    records: SurveyRepository,
    principal: Principal,
    survey_id: uuid.UUID,
    submission_id: uuid.UUID,
    now: datetime,
) -> FindingsReceipt:
    """Stores the team's findings once; the same upload again gets the first answer."""
    retry = upload_retry(upload, survey_id, submission_id)
    async with uow:
        task = await visible_task(records, survey_id, principal, lock=True)
        domain.ensure_team_member(task, principal.user_id)
        if (first := await _earlier_upload(records, retry)) is not None:
            # A receipt stored before receipts named the person (issue 16) lacks person_id.
            return _RECEIPT.validate_python({"person_id": task.person_id, **first.body})
        done = domain.accept_findings(
            task,
            by=principal.user_id,
            visited_at=upload.visited_at,
            confirmed_by=upload.confirmed_by,
            now=now,
        )
        stored = StoredFindings(submission_id, principal.user_id, now, upload.stored)
        await records.add_findings(done.survey_id, stored)
        await records.save_task(done)
        uow.emit(events.survey_completed(done, upload, correlation_id=str(submission_id)))
        receipt = _receipt(done, stored, visited_at=upload.visited_at)
        await records.remember(retry, Answer(200, _RECEIPT.dump_python(receipt, mode="json")))
        await uow.commit()
        return receipt


def _receipt(task: SurveyTask, stored: StoredFindings, *, visited_at: datetime) -> FindingsReceipt:
    return FindingsReceipt(
        survey_id=task.survey_id,
        person_id=task.person_id,
        submission_id=stored.submission_id,
        status=task.status,
        version=task.version,
        visited_on=calendar.day_of(visited_at),
        received_at=stored.received_at,
    )


async def _earlier_upload(records: SurveyRepository, retry: Retry) -> Answer | None:
    try:
        return await records.replayed(retry)
    except Conflict as reused:
        raise Conflict(
            "该提交编号已用于另一份不同的调查结果；新的提交请使用新的编号",
            code="submission_id_reused",
            field="path.submission_id",
        ) from reused
