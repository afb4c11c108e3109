"""In-memory stand-ins for survey's tables: handler rules in milliseconds.

The fake repository keeps tasks, findings, reviews and stored answers in dictionaries. Tests
pair it with civic's shared ``civic.testing.FakeUnitOfWork``; unlike PostgreSQL it does not
undo writes on a rollback, so a test reads ``uow.committed`` and ``uow.events`` to see what a
use case kept.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from civic.idempotency import Answer, Retry
from civic.testing import FakeAnswers
from survey.domain import StoredFindings, StoredReview, SurveyTask, TaskPage, TaskStatus
from survey.repository import SurveyRepository


class FakeSurveyRepository(SurveyRepository):
    """survey's tables in dictionaries, with the same answers as the SQL repository."""

    def __init__(self) -> None:
        self.tasks: dict[uuid.UUID, SurveyTask] = {}
        self.findings: dict[uuid.UUID, StoredFindings] = {}
        self.reviews: dict[uuid.UUID, StoredReview] = {}
        self.answers = FakeAnswers()

    async def add_task(self, task: SurveyTask) -> bool:
        """Adds a task unless its application has one (the unique constraint's rule)."""
        if any(t.application_id == task.application_id for t in self.tasks.values()):
            return False
        self.tasks[task.survey_id] = task
        return True

    async def save_task(self, task: SurveyTask) -> None:
        """Replaces the stored task."""
        self.tasks[task.survey_id] = task

    async def get_task(
        self, survey_id: uuid.UUID, *, for_update: bool = False
    ) -> SurveyTask | None:
        """The stored task, if any."""
        return self.tasks.get(survey_id)

    async def task_of_application(self, application_id: uuid.UUID) -> SurveyTask | None:
        """The task of an application, if any."""
        found = [t for t in self.tasks.values() if t.application_id == application_id]
        return found[0] if found else None

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
        """Tasks under the prefix, by due date, one page, with the prefix's counts."""
        scope = [t for t in self.tasks.values() if t.village_code.startswith(division_prefix)]
        matching = sorted(
            (
                t
                for t in scope
                if status in (None, t.status) and (not overdue_only or t.is_overdue(today))
            ),
            key=lambda t: (t.due_date, t.created_at, t.survey_id),
        )
        return TaskPage(
            tasks=matching[offset : offset + limit],
            total=len(matching),
            by_status=dict(Counter(t.status.value for t in scope)),
            overdue=sum(t.is_overdue(today) for t in scope),
        )

    async def add_findings(self, survey_id: uuid.UUID, findings: StoredFindings) -> None:
        """Stores the findings (one upload per task, as the primary key says)."""
        assert survey_id not in self.findings, "the table's primary key would refuse this"
        self.findings[survey_id] = findings

    async def get_findings(self, survey_id: uuid.UUID) -> StoredFindings | None:
        """The stored findings, if any."""
        return self.findings.get(survey_id)

    async def add_review(self, review: StoredReview) -> None:
        """Stores the 初审 (one per task, as the primary key says)."""
        assert review.survey_id not in self.reviews, "the table's primary key would refuse this"
        self.reviews[review.survey_id] = review

    async def get_review(self, survey_id: uuid.UUID) -> StoredReview | None:
        """The stored 初审, if any."""
        return self.reviews.get(survey_id)

    async def replayed(self, retry: Retry | None) -> Answer | None:
        """The first answer to the key; 409 if the key came with a different request."""
        return self.answers.replayed(retry)

    async def remember(self, retry: Retry | None, answer: Answer) -> None:
        """Keeps the answer under the key, as jsonb gives it back."""
        self.answers.remember(retry, answer)
