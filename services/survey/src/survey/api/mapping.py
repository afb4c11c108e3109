"""HTTP bodies to the domain's commands, and the use cases' results to HTTP answers."""

from __future__ import annotations

import uuid
from datetime import date

from survey.domain import (
    FindingsReceipt,
    FindingsUpload,
    NeedFound,
    RecordedReview,
    ReviewDecision,
    ReviewFail,
    ReviewPass,
    StoredReview,
    TaskPage,
    TaskStatus,
    TaskView,
    TeamChoice,
)
from survey.schemas import (
    FindingsIn,
    FindingsRead,
    PreliminaryPass,
    PreliminaryReviewIn,
    PreliminaryReviewRead,
    SurveyTaskPage,
    SurveyTaskRead,
    SurveyTaskSummary,
    TeamIn,
)
from survey.schemas import FindingsReceipt as ReceiptRead


def team_choice(body: TeamIn) -> TeamChoice:
    """The team the body names."""
    return TeamChoice(village_staff_id=body.village_staff_id, coordinator_id=body.coordinator_id)


def findings_upload(body: FindingsIn) -> FindingsUpload:
    """The coded findings of an upload, with the whole upload as JSON to keep."""
    living = body.living_situation
    return FindingsUpload(
        visited_at=body.visited_at,
        confirmed_by=tuple(body.confirmed_by),
        self_care_level=body.self_care_level,
        confirmed_conditions=tuple(body.confirmed_conditions),
        care_needs=tuple(
            NeedFound(need.service_category, tuple(need.item_codes), need.urgent)
            for need in body.care_needs
        ),
        lives_alone=living.lives_alone,
        has_caregiver=living.has_caregiver,
        household_size=len(body.household_members),
        identity_verified=body.identity_verified,
        stored=body.model_dump(mode="json"),
    )


def review_decision(body: PreliminaryReviewIn) -> ReviewDecision:
    """The team's decision; what is kept adds the Chinese reason of a failure."""
    reason_zh = None if isinstance(body, PreliminaryPass) else body.reason_text
    stored = {**body.model_dump(mode="json"), "reason_zh": reason_zh}
    if not isinstance(body, PreliminaryPass):
        return ReviewFail(reason_code=body.reason_code, reason_text=body.reason_text, stored=stored)
    return ReviewPass(
        recommended_category=body.recommended_category,
        recommended_conditions=tuple(body.recommended_conditions),
        recommended_item_codes=tuple(body.recommended_item_codes),
        recommended_service_categories=tuple(body.recommended_service_categories),
        recommended_modes=tuple(body.recommended_modes),
        stored=stored,
    )


def receipt_read(receipt: FindingsReceipt) -> ReceiptRead:
    """The answer to an upload."""
    return ReceiptRead.model_validate(receipt, from_attributes=True)


def review_read(
    review: StoredReview, *, person_id: uuid.UUID, status: TaskStatus, version: int
) -> PreliminaryReviewRead:
    """A stored 初审 with the task's person, status and version."""
    return PreliminaryReviewRead.model_validate(
        {
            **review.body,
            "survey_id": review.survey_id,
            "person_id": person_id,
            "status": status,
            "version": version,
            "reviewed_by": list(review.reviewed_by),
            "recorded_by": review.recorded_by,
            "recorded_at": review.recorded_at,
        }
    )


def recorded_review_read(recorded: RecordedReview) -> PreliminaryReviewRead:
    """The answer to a recorded 初审."""
    return review_read(
        recorded.review,
        person_id=recorded.person_id,
        status=recorded.status,
        version=recorded.version,
    )


def task_read(view: TaskView, today: date) -> SurveyTaskRead:
    """The full read model of a task: summary, claimed facts, findings and 初审."""
    task, found, reviewed = view.task, view.findings, view.review
    findings = found and FindingsRead.from_stored(
        found.body,
        submission_id=found.submission_id,
        submitted_by=found.submitted_by,
        received_at=found.received_at,
    )
    review = reviewed and review_read(
        reviewed, person_id=task.person_id, status=task.status, version=task.version
    )
    claimed = ("household_id", "household_size", "cancel_reason", "special_conditions")
    return SurveyTaskRead.model_validate(
        {
            **SurveyTaskSummary.summary_fields(task, today),
            **{name: getattr(task, name) for name in claimed},
            "requested_item_codes": task.requested_item_codes,
            "need_categories": task.need_categories,
            "findings": findings or None,
            "preliminary_review": review or None,
        }
    )


def task_page(found: TaskPage, *, page: int, size: int, today: date) -> SurveyTaskPage:
    """One page of task summaries."""
    items = [SurveyTaskSummary.of(task, today) for task in found.tasks]
    return SurveyTaskPage(
        items=items,
        total=found.total,
        page=page,
        size=size,
        by_status={status: found.by_status.get(status.value, 0) for status in TaskStatus},
        overdue_total=found.overdue,
    )
