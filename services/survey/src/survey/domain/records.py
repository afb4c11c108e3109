"""What the team sends (commands) and what survey keeps of it (records); plain values, no I/O.

The routes turn the HTTP bodies into these; the use cases and the event builders read only
these. ``stored`` is the request as JSON, kept whole in survey's database (notes, members,
photos and the location never leave survey).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.enums import (
    RecipientCategory,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    SpecialCondition,
)
from contracts.reasons import PreliminaryFailReason
from survey.domain.tasks import SurveyTask, TaskStatus


@dataclass(frozen=True)
class TeamChoice:
    """The two people village staff name as the survey team."""

    village_staff_id: str
    coordinator_id: str


@dataclass(frozen=True)
class NeedFound:
    """A care need the team found, within one service category."""

    service_category: ServiceCategory
    item_codes: tuple[str, ...] = ()
    urgent: bool = False


@dataclass(frozen=True)
class FindingsUpload:
    """The team's findings: the coded facts the rules and the event need, and the whole upload."""

    visited_at: datetime
    confirmed_by: tuple[str, ...]
    self_care_level: SelfCareLevel
    confirmed_conditions: tuple[SpecialCondition, ...]
    care_needs: tuple[NeedFound, ...]
    lives_alone: bool
    has_caregiver: bool
    household_size: int
    identity_verified: bool
    stored: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewPass:
    """初审 passed, with the team's recommendation."""

    recommended_category: RecipientCategory
    recommended_conditions: tuple[SpecialCondition, ...]
    recommended_item_codes: tuple[str, ...]
    recommended_service_categories: tuple[ServiceCategory, ...]
    recommended_modes: tuple[ServiceMode, ...]
    stored: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewFail:
    """初审 failed, with the reason code and its Chinese text."""

    reason_code: PreliminaryFailReason
    reason_text: str
    stored: dict[str, Any] = field(default_factory=dict)


ReviewDecision = ReviewPass | ReviewFail


@dataclass(frozen=True)
class StoredFindings:
    """The findings as survey keeps them."""

    submission_id: uuid.UUID
    submitted_by: str
    received_at: datetime
    body: dict[str, Any]

    @property
    def confirmed_conditions(self) -> tuple[SpecialCondition, ...]:
        """The special conditions the visit confirmed."""
        return tuple(SpecialCondition(c) for c in self.body.get("confirmed_conditions", ()))


@dataclass(frozen=True)
class StoredReview:
    """The preliminary review as survey keeps it (``body`` is the decision as sent)."""

    survey_id: uuid.UUID
    body: dict[str, Any]
    reviewed_by: tuple[str, ...]
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class RecordedReview:
    """A preliminary review with the task's status and version right after it."""

    review: StoredReview
    person_id: uuid.UUID
    status: TaskStatus
    version: int


@dataclass(frozen=True)
class FindingsReceipt:
    """The answer to an upload; a retry of the same upload gets exactly this again."""

    survey_id: uuid.UUID
    person_id: uuid.UUID
    submission_id: uuid.UUID
    status: TaskStatus
    version: int
    visited_on: date
    received_at: datetime


@dataclass(frozen=True)
class TaskView:
    """A task with its findings and 初审, as staff read it."""

    task: SurveyTask
    findings: StoredFindings | None
    review: StoredReview | None


@dataclass(frozen=True)
class TaskPage:
    """One page of tasks, how many match in all, and the scope's progress (every status,
    whatever the filters): how many tasks in each status and how many are overdue."""

    tasks: list[SurveyTask]
    total: int
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
