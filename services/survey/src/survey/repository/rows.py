"""Rows of survey's tables to domain objects and back (the only place that knows columns)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from contracts.enums import RecipientCategory, SpecialCondition
from survey.adapters.sealing import FINDINGS, REVIEW, SELF_CARE, open_json, seal_json, seal_text
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


def findings_row(survey_id: uuid.UUID, findings: StoredFindings) -> dict[str, Any]:
    """The ``survey_findings`` row of a task's findings, its personal data sealed to the row."""
    body = findings.body
    return {
        "survey_id": survey_id,
        "submission_id": findings.submission_id,
        "submitted_by": findings.submitted_by,
        "visited_at": datetime.fromisoformat(body["visited_at"]),
        "self_care_level": seal_text(body["self_care_level"], purpose=SELF_CARE, row=survey_id),
        "body": seal_json(body, purpose=FINDINGS, row=survey_id),
        "received_at": findings.received_at,
    }


def findings_of(row: Any) -> StoredFindings:
    """The findings a ``survey_findings`` row holds (the body opened)."""
    return StoredFindings(
        submission_id=row.submission_id,
        submitted_by=row.submitted_by,
        received_at=row.received_at,
        body=open_json(row.body, purpose=FINDINGS, row=row.survey_id),
    )


def review_row(review: StoredReview) -> dict[str, Any]:
    """The ``preliminary_review`` row of a 初审, its body sealed to the row."""
    return {
        "survey_id": review.survey_id,
        "outcome": review.body["outcome"],
        "body": seal_json(review.body, purpose=REVIEW, row=review.survey_id),
        "reviewed_by": list(review.reviewed_by),
        "recorded_by": review.recorded_by,
        "recorded_at": review.recorded_at,
    }


def review_of(row: Any) -> StoredReview:
    """The preliminary review a ``preliminary_review`` row holds (the body opened)."""
    return StoredReview(
        survey_id=row.survey_id,
        body=open_json(row.body, purpose=REVIEW, row=row.survey_id),
        reviewed_by=tuple(row.reviewed_by),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )
