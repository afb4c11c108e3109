"""Reads and writes of survey's tables, inside the unit of work's transaction."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from civic import idempotency
from civic.idempotency import Answer, Retry
from civic.uow import UnitOfWork
from survey.domain import StoredFindings, StoredReview, SurveyTask, TaskPage, TaskStatus
from survey.domain.tasks import TO_VISIT
from survey.orm import preliminary_review, survey_findings, survey_task
from survey.repository.rows import (
    findings_of,
    findings_row,
    review_of,
    review_row,
    task_of,
    task_row,
)


class SurveyRepository:
    """survey's tasks, findings, reviews and stored answers, on ``uow``'s open transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def _session(self) -> AsyncSession:
        # Read at each call: the session exists only while the unit of work is open.
        return self._uow.session

    async def add_task(self, task: SurveyTask) -> bool:
        """Inserts a new task; False if the application already has one."""
        stmt = pg_insert(survey_task).values(task_row(task)).on_conflict_do_nothing()
        inserted = await self._session.execute(stmt.returning(survey_task.c.survey_id))
        return inserted.first() is not None

    async def save_task(self, task: SurveyTask) -> None:
        """Writes a changed task (the caller holds its row lock)."""
        await self._session.execute(
            update(survey_task)
            .where(survey_task.c.survey_id == task.survey_id)
            .values(task_row(task))
        )

    async def get_task(
        self, survey_id: uuid.UUID, *, for_update: bool = False
    ) -> SurveyTask | None:
        """The task, optionally locked until the transaction ends."""
        stmt = select(survey_task).where(survey_task.c.survey_id == survey_id)
        row = (await self._session.execute(stmt.with_for_update() if for_update else stmt)).first()
        return task_of(row) if row else None

    async def task_of_application(self, application_id: uuid.UUID) -> SurveyTask | None:
        """The task of an application, locked until the transaction ends."""
        stmt = select(survey_task).where(survey_task.c.application_id == application_id)
        row = (await self._session.execute(stmt.with_for_update())).first()
        return task_of(row) if row else None

    async def list_tasks(
        self,
        *,
        division_prefix: str,
        status: TaskStatus | None,
        today: date,
        overdue_only: bool = False,
        offset: int,
        limit: int,
    ) -> TaskPage:
        """Tasks whose village code starts with ``division_prefix`` ("" for all), by due date
        (only those overdue ``today`` if asked), with the prefix's progress counts."""
        # Division codes nest by prefix (county 6 → township 9 → village 12 digits).
        scope = survey_task.c.village_code.startswith(division_prefix, autoescape=True)
        where = [scope]
        if status is not None:
            where.append(survey_task.c.status == status.value)
        if overdue_only:
            where.append(_overdue(today))
        count = select(func.count()).select_from(survey_task).where(*where)
        total = (await self._session.execute(count)).scalar_one()
        by_status, overdue = await self._progress(scope, today=today)
        stmt = (
            select(survey_task)
            .where(*where)
            .order_by(survey_task.c.due_date, survey_task.c.created_at, survey_task.c.survey_id)
            .offset(offset)
            .limit(limit)
        )
        rows = await self._session.execute(stmt)
        tasks = [task_of(row) for row in rows]
        return TaskPage(tasks=tasks, total=int(total), by_status=by_status, overdue=overdue)

    async def _progress(
        self, scope: ColumnElement[bool], *, today: date
    ) -> tuple[dict[str, int], int]:
        """How many tasks of the scope are in each status, and how many are overdue today."""
        counted = (
            select(survey_task.c.status, func.count()).where(scope).group_by(survey_task.c.status)
        )
        by_status = {status: int(n) for status, n in await self._session.execute(counted)}
        late = select(func.count()).select_from(survey_task).where(scope, _overdue(today))
        return by_status, int((await self._session.execute(late)).scalar_one())

    async def add_findings(self, survey_id: uuid.UUID, findings: StoredFindings) -> None:
        """Stores the team's findings (one upload per task), sealed to the task's row."""
        await self._session.execute(
            insert(survey_findings).values(findings_row(survey_id, findings))
        )

    async def get_findings(self, survey_id: uuid.UUID) -> StoredFindings | None:
        """The stored findings of a task, or None."""
        stmt = select(survey_findings).where(survey_findings.c.survey_id == survey_id)
        row = (await self._session.execute(stmt)).first()
        return findings_of(row) if row else None

    async def add_review(self, review: StoredReview) -> None:
        """Stores the preliminary review of a task, sealed to the task's row."""
        await self._session.execute(insert(preliminary_review).values(review_row(review)))

    async def get_review(self, survey_id: uuid.UUID) -> StoredReview | None:
        """The stored preliminary review of a task, or None."""
        stmt = select(preliminary_review).where(preliminary_review.c.survey_id == survey_id)
        row = (await self._session.execute(stmt)).first()
        return review_of(row) if row else None

    async def replayed(self, retry: Retry | None) -> Answer | None:
        """The first answer to a retried request (civic's rule: the key is locked until commit)."""
        return await idempotency.replayed(retry, self._uow)

    async def remember(self, retry: Retry | None, answer: Answer) -> None:
        """Stores the answer to a request, in the same transaction as its effect."""
        await idempotency.remember(retry, self._uow, answer)


def _overdue(today: date) -> ColumnElement[bool]:
    """Still to be visited and past its due date (as ``SurveyTask.is_overdue`` says)."""
    return survey_task.c.status.in_([s.value for s in TO_VISIT]) & (survey_task.c.due_date < today)
