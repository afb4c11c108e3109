"""Rows of survey's tables to domain objects and back (the only place that knows columns)."""

from __future__ import annotations

from typing import Any

from contracts.enums import RecipientCategory, SpecialCondition
from survey.domain import StoredFindings, StoredReview, SurveyTask, TaskStatus, Team
from survey.orm import survey_task

TEAM_COLUMNS = ("village_staff_id", "coordinator_id", "team_assigned_by", "team_assigned_at")


def task_row(task: SurveyTask) -> dict[str, Any]:
    """The ``survey_task`` row of a task (enums as their values, the team flattened)."""
    team = task.team
    row = {
        column.name: getattr(task, column.name)
        for column in survey_task.columns
        if column.name not in TEAM_COLUMNS and hasattr(task, column.name)
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


def task_of(row: Any) -> SurveyTask:
    """The task a ``survey_task`` row holds."""
    data = dict(row._mapping)
    staff, coordinator, by, at = (data.pop(column) for column in TEAM_COLUMNS)
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


def findings_of(row: Any) -> StoredFindings:
    """The findings a ``survey_findings`` row holds."""
    return StoredFindings(
        submission_id=row.submission_id,
        submitted_by=row.submitted_by,
        received_at=row.received_at,
        body=dict(row.body),
    )


def review_of(row: Any) -> StoredReview:
    """The preliminary review a ``preliminary_review`` row holds."""
    return StoredReview(
        survey_id=row.survey_id,
        body=dict(row.body),
        reviewed_by=tuple(row.reviewed_by),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )
