"""Reads and writes of survey's tables on the unit of work's session."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.enums import RecipientCategory, SpecialCondition
from survey.domain import SurveyTask, TaskStatus, Team
from survey.orm import preliminary_review, survey_findings, survey_task

_TEAM_COLUMNS = ("village_staff_id", "coordinator_id", "team_assigned_by", "team_assigned_at")


def _to_row(task: SurveyTask) -> dict[str, Any]:
    team = task.team
    row = {
        c.name: getattr(task, c.name)
        for c in survey_task.columns
        if c.name not in _TEAM_COLUMNS and hasattr(task, c.name)
    }
    row.update(
        category=task.category.value,
        status=task.status.value,
        special_conditions=[c.value for c in task.special_conditions],
        requested_item_codes=list(task.requested_item_codes),
        need_categories=list(task.need_categories),
        village_staff_id=team.village_staff_id if team else None,
        coordinator_id=team.coordinator_id if team else None,
        team_assigned_by=team.assigned_by if team else None,
        team_assigned_at=team.assigned_at if team else None,
    )
    return row


def _to_task(row: Any) -> SurveyTask:
    data = dict(row._mapping)
    staff, coordinator, by, at = (data.pop(c) for c in _TEAM_COLUMNS)
    team = Team(staff, coordinator, assigned_by=by, assigned_at=at) if staff else None
    return SurveyTask(
        **{
            **data,
            "category": RecipientCategory(data["category"]),
            "status": TaskStatus(data["status"]),
            "special_conditions": tuple(SpecialCondition(c) for c in data["special_conditions"]),
            "requested_item_codes": tuple(data["requested_item_codes"]),
            "need_categories": tuple(data["need_categories"]),
            "team": team,
        }
    )


async def add_task(session: AsyncSession, task: SurveyTask) -> bool:
    """Inserts a new task; False if the application already has one."""
    stmt = pg_insert(survey_task).values(_to_row(task)).on_conflict_do_nothing()
    return (await session.execute(stmt.returning(survey_task.c.survey_id))).first() is not None


async def save_task(session: AsyncSession, task: SurveyTask) -> None:
    """Writes a changed task (the caller holds its row lock)."""
    row = _to_row(task)
    await session.execute(
        update(survey_task).where(survey_task.c.survey_id == task.survey_id).values(row)
    )


async def get_task(
    session: AsyncSession, survey_id: uuid.UUID, *, for_update: bool = False
) -> SurveyTask | None:
    """The task, optionally locked until the transaction ends."""
    stmt = select(survey_task).where(survey_task.c.survey_id == survey_id)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).first()
    return _to_task(row) if row else None


async def task_of_application(
    session: AsyncSession, application_id: uuid.UUID
) -> SurveyTask | None:
    """The task of an application, locked until the transaction ends."""
    stmt = select(survey_task).where(survey_task.c.application_id == application_id)
    row = (await session.execute(stmt.with_for_update())).first()
    return _to_task(row) if row else None


async def list_tasks(
    session: AsyncSession,
    *,
    division_prefix: str,
    status: TaskStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[SurveyTask], int]:
    """Tasks whose village code starts with ``division_prefix`` ("" for all), by due date; total."""
    # Division codes nest by prefix (county 6 → township 9 → village 12 digits).
    where = [survey_task.c.village_code.startswith(division_prefix, autoescape=True)]
    if status is not None:
        where.append(survey_task.c.status == status.value)
    count = select(func.count()).select_from(survey_task).where(*where)
    total = (await session.execute(count)).scalar_one()
    stmt = (
        select(survey_task)
        .where(*where)
        .order_by(survey_task.c.due_date, survey_task.c.created_at, survey_task.c.survey_id)
        .offset(offset)
        .limit(limit)
    )
    return [_to_task(r) for r in await session.execute(stmt)], int(total)


async def add_findings(
    session: AsyncSession,
    *,
    task: SurveyTask,
    submission_id: uuid.UUID,
    submitted_by: str,
    body: dict[str, Any],
    received_at: datetime,
) -> None:
    """Stores the team's findings (one upload per task)."""
    await session.execute(
        insert(survey_findings).values(
            survey_id=task.survey_id,
            submission_id=submission_id,
            submitted_by=submitted_by,
            visited_at=datetime.fromisoformat(body["visited_at"]),
            self_care_level=body["self_care_level"],
            body=body,
            received_at=received_at,
        )
    )


async def get_findings(session: AsyncSession, survey_id: uuid.UUID) -> Any | None:
    """The stored findings row of a task, or None."""
    stmt = select(survey_findings).where(survey_findings.c.survey_id == survey_id)
    return (await session.execute(stmt)).first()


async def add_review(
    session: AsyncSession,
    *,
    survey_id: uuid.UUID,
    body: dict[str, Any],
    reviewed_by: tuple[str, str],
    recorded_by: str,
    recorded_at: datetime,
) -> None:
    """Stores the preliminary review of a task."""
    await session.execute(
        insert(preliminary_review).values(
            survey_id=survey_id,
            outcome=body["outcome"],
            body=body,
            reviewed_by=list(reviewed_by),
            recorded_by=recorded_by,
            recorded_at=recorded_at,
        )
    )


async def get_review(session: AsyncSession, survey_id: uuid.UUID) -> Any | None:
    """The stored preliminary review row of a task, or None."""
    stmt = select(preliminary_review).where(preliminary_review.c.survey_id == survey_id)
    return (await session.execute(stmt)).first()
