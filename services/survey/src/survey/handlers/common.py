"""What the use cases share: a task the caller may see, and its full read model."""

from __future__ import annotations

import uuid

from civic.errors import NotFound
from civic.security import Principal, ensure_jurisdiction
from survey.domain import SurveyTask, TaskView
from survey.repository import SurveyRepository


async def visible_task(
    records: SurveyRepository, survey_id: uuid.UUID, principal: Principal, *, lock: bool = False
) -> SurveyTask:
    """The task if it exists (404) and lies in the caller's jurisdiction (403), maybe locked."""
    task = await records.get_task(survey_id, for_update=lock)
    if task is None:
        raise NotFound("调查任务不存在", code="survey_not_found", field="path.survey_id")
    ensure_jurisdiction(principal, task.village_code)
    return task


async def task_view(records: SurveyRepository, task: SurveyTask) -> TaskView:
    """The task with its findings and 初审, as stored."""
    findings = await records.get_findings(task.survey_id)
    review = await records.get_review(task.survey_id)
    return TaskView(task=task, findings=findings, review=review)
