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
from survey.domain import SurveyTask, Team
from survey.schemas import FindingsIn, PreliminaryFail, PreliminaryPass


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
    task: SurveyTask, findings: FindingsIn, *, correlation_id: str | None
) -> SurveyCompleted:
    """SurveyCompleted: the coded findings; the visit day is the Shanghai calendar day."""
    living = findings.living_situation
    return SurveyCompleted(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        visited_on=calendar.day_of(findings.visited_at),
        self_care_level=findings.self_care_level,
        confirmed_conditions=tuple(findings.confirmed_conditions),
        care_needs=tuple(
            CareNeed(
                service_category=n.service_category, item_codes=tuple(n.item_codes), urgent=n.urgent
            )
            for n in findings.care_needs
        ),
        lives_alone=living.lives_alone,
        has_caregiver=living.has_caregiver,
        household_size=len(findings.household_members),
        identity_verified=findings.identity_verified,
    )


def review_passed(
    task: SurveyTask, team: Team, decision: PreliminaryPass, *, correlation_id: str | None
) -> PreliminaryReviewPassed:
    """PreliminaryReviewPassed signed by both team members."""
    return PreliminaryReviewPassed(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        recommended_category=decision.recommended_category,
        recommended_conditions=tuple(decision.recommended_conditions),
        recommended_item_codes=tuple(decision.recommended_item_codes),
        recommended_service_categories=tuple(decision.recommended_service_categories),
        recommended_modes=tuple(decision.recommended_modes),
        reviewed_by=(team.village_staff_id, team.coordinator_id),
    )


def review_failed(
    task: SurveyTask, team: Team, decision: PreliminaryFail, *, correlation_id: str | None
) -> PreliminaryReviewFailed:
    """PreliminaryReviewFailed signed by both team members."""
    return PreliminaryReviewFailed(
        **_subject(task, correlation_id),  # type: ignore[arg-type]
        reason_code=decision.reason_code,
        reason_zh=decision.reason_text,
        reviewed_by=(team.village_staff_id, team.coordinator_id),
    )
