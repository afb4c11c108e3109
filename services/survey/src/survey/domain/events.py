"""Builds survey's events (``contracts.survey``) from the domain: ids and codes only.

Free-text notes, household members, photos and the location stay in survey's database.
"""

from __future__ import annotations

from contracts import calendar
from contracts.survey import (
    CareNeed,
    PreliminaryReviewFailed,
    PreliminaryReviewPassed,
    SurveyCompleted,
    SurveyTaskCreated,
    SurveyTeamAssigned,
)
from survey.domain.records import FindingsUpload, ReviewFail, ReviewPass
from survey.domain.tasks import SurveyTask, Team


def _subject(task: SurveyTask, correlation_id: str | None) -> dict[str, object]:
    return {
        "person_id": task.person_id,
        "survey_id": task.survey_id,
        "application_id": task.application_id,
        "version": task.version,
        "correlation_id": correlation_id,
    }


def task_created(task: SurveyTask, *, correlation_id: str | None) -> SurveyTaskCreated:
    """SurveyTaskCreated for a new task."""
    return SurveyTaskCreated(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        county_code=task.county_code,
        township_code=task.township_code,
        village_code=task.village_code,
        due_date=task.due_date,
    )


def team_assigned(
    task: SurveyTask, team: Team, *, correlation_id: str | None
) -> SurveyTeamAssigned:
    """SurveyTeamAssigned for the task's (new) team."""
    return SurveyTeamAssigned(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        village_staff_id=team.village_staff_id,
        coordinator_id=team.coordinator_id,
        assigned_by=team.assigned_by,
    )


def survey_completed(
    task: SurveyTask, findings: FindingsUpload, *, correlation_id: str | None
) -> SurveyCompleted:
    """SurveyCompleted: the coded findings; the visit day is the Shanghai calendar day."""
    return SurveyCompleted(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        visited_on=calendar.day_of(findings.visited_at),
        self_care_level=findings.self_care_level,
        confirmed_conditions=findings.confirmed_conditions,
        care_needs=tuple(
            CareNeed(
                service_category=need.service_category,
                item_codes=need.item_codes,
                urgent=need.urgent,
            )
            for need in findings.care_needs
        ),
        lives_alone=findings.lives_alone,
        has_caregiver=findings.has_caregiver,
        household_size=findings.household_size,
        identity_verified=findings.identity_verified,
    )


def review_passed(
    task: SurveyTask, team: Team, decision: ReviewPass, *, correlation_id: str | None
) -> PreliminaryReviewPassed:
    """PreliminaryReviewPassed signed by both team members."""
    return PreliminaryReviewPassed(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        recommended_category=decision.recommended_category,
        recommended_conditions=decision.recommended_conditions,
        recommended_item_codes=decision.recommended_item_codes,
        recommended_service_categories=decision.recommended_service_categories,
        recommended_modes=decision.recommended_modes,
        reviewed_by=(team.village_staff_id, team.coordinator_id),
    )


def review_failed(
    task: SurveyTask, team: Team, decision: ReviewFail, *, correlation_id: str | None
) -> PreliminaryReviewFailed:
    """PreliminaryReviewFailed signed by both team members."""
    return PreliminaryReviewFailed(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        reason_code=decision.reason_code,
        reason_zh=decision.reason_text,
        reviewed_by=(team.village_staff_id, team.coordinator_id),
    )
