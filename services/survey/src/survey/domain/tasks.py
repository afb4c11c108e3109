"""Rules of the household survey (入户调查) and preliminary review (初审); pure, no I/O.

A task moves open → team_assigned → findings_submitted → passed | failed; an application
withdrawn before the review ends the task as cancelled. Every change raises ``version``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contracts import calendar
from contracts.enums import RecipientCategory, SpecialCondition, is_eligible
from contracts.labels import ZhEnum, zh_labels
from survey.domain.refusals import Conflicting, Invalid, NotAllowed

#: Phones in the field run a few minutes off; a visit "in the future" within this is accepted.
CLOCK_SKEW = timedelta(minutes=5)


@zh_labels(
    {
        "open": "待派调查组",
        "team_assigned": "待入户调查",
        "findings_submitted": "待初审",
        "passed": "初审通过",
        "failed": "初审未通过",
        "cancelled": "已取消",
    }
)
class TaskStatus(ZhEnum):
    """Where a survey task stands."""

    OPEN = "open"
    TEAM_ASSIGNED = "team_assigned"
    FINDINGS_SUBMITTED = "findings_submitted"
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: Statuses in which a withdrawal still cancels the task (初审 not yet recorded).
UNFINISHED = frozenset({TaskStatus.OPEN, TaskStatus.TEAM_ASSIGNED, TaskStatus.FINDINGS_SUBMITTED})


@dataclass(frozen=True)
class Team:
    """The two-person survey team: one village staff member and one coordinator (协理员)."""

    village_staff_id: str
    coordinator_id: str
    assigned_by: str
    assigned_at: datetime

    @property
    def members(self) -> frozenset[str]:
        """The two members' user ids."""
        return frozenset({self.village_staff_id, self.coordinator_id})


#: Statuses of a task whose home visit is still to be made (the ones that can be overdue).
TO_VISIT = (TaskStatus.OPEN, TaskStatus.TEAM_ASSIGNED)


@dataclass(frozen=True)
class SurveyTask:
    """A household survey of one registered application."""

    survey_id: uuid.UUID
    application_id: uuid.UUID
    person_id: uuid.UUID
    household_id: uuid.UUID
    county_code: str
    township_code: str
    village_code: str
    display_name: str
    category: RecipientCategory
    special_conditions: tuple[SpecialCondition, ...]
    requested_item_codes: tuple[str, ...]
    need_categories: tuple[str, ...]
    household_size: int
    application_version: int
    due_date: date
    created_at: datetime
    updated_at: datetime
    status: TaskStatus = TaskStatus.OPEN
    version: int = 1
    team: Team | None = None
    cancel_reason: str | None = None

    def _next(self, now: datetime, **changes: object) -> SurveyTask:
        return dataclasses.replace(self, version=self.version + 1, updated_at=now, **changes)  # type: ignore[arg-type]

    def is_overdue(self, today: date) -> bool:
        """True when the visit is still to be done and its due date has passed."""
        return self.status in TO_VISIT and today > self.due_date


def due_date_for(registered_at: datetime, days: int) -> date:
    """The visit's due date: ``days`` after the registration day in Asia/Shanghai."""
    return calendar.day_of(registered_at) + timedelta(days=days)


def check_two_people(village_staff_id: str, coordinator_id: str) -> None:
    """The seed's team is two different people (2人调查组)."""
    if village_staff_id.strip() == coordinator_id.strip():
        raise Invalid(
            "same_person_twice",
            "调查组须由两名不同人员组成：一名村(社区)工作人员和一名社会救助协理员",
            field="body.coordinator_id",
        )


def _refuse_if_closed(task: SurveyTask) -> None:
    if task.status is TaskStatus.CANCELLED:
        raise Conflicting("task_cancelled", "申请已撤回，该调查任务已取消")


def assign_team(
    task: SurveyTask, *, village_staff_id: str, coordinator_id: str, by: str, now: datetime
) -> SurveyTask | None:
    """Assigns (or re-assigns) the team before findings; None when the team is unchanged."""
    check_two_people(village_staff_id, coordinator_id)
    if task.team and (task.team.village_staff_id, task.team.coordinator_id) == (
        village_staff_id,
        coordinator_id,
    ):
        return None  # a retried PUT: nothing to change, whatever happened since
    _refuse_if_closed(task)
    if task.status not in (TaskStatus.OPEN, TaskStatus.TEAM_ASSIGNED):
        raise Conflicting("team_locked", "入户调查结果已提交，不能再更换调查组")
    team = Team(village_staff_id, coordinator_id, assigned_by=by, assigned_at=now)
    return task._next(now, team=team, status=TaskStatus.TEAM_ASSIGNED)


def ensure_team_member(task: SurveyTask, user_id: str) -> Team:
    """Only the assigned team acts on the household; returns the team."""
    if task.team is None:
        _refuse_if_closed(task)
        raise Conflicting("team_not_assigned", "尚未指派调查组，请村(社区)工作人员先指派")
    if user_id not in task.team.members:
        raise NotAllowed("not_team_member", "只有本任务的调查组成员可以提交调查结果或初审")
    return task.team


def accept_findings(
    task: SurveyTask,
    *,
    by: str,
    visited_at: datetime,
    confirmed_by: Iterable[str],
    now: datetime,
) -> SurveyTask:
    """Accepts the team's findings: a late upload is fine, a visit in the future is not."""
    team = ensure_team_member(task, by)
    _refuse_if_closed(task)
    if task.status is not TaskStatus.TEAM_ASSIGNED:
        raise Conflicting("findings_already_submitted", "该任务的入户调查结果已提交")
    if visited_at > now + CLOCK_SKEW:
        raise Invalid("visit_in_future", "入户调查时间不能晚于当前时间", field="body.visited_at")
    if frozenset(confirmed_by) != team.members:
        raise Invalid(
            "confirmation_incomplete",
            "须由调查组两名成员共同确认（confirmed_by 应为两名组员的用户编号）",
            field="body.confirmed_by",
        )
    return task._next(now, status=TaskStatus.FINDINGS_SUBMITTED)


def _ready_for_review(task: SurveyTask, by: str) -> Team:
    team = ensure_team_member(task, by)
    _refuse_if_closed(task)
    if task.status in (TaskStatus.PASSED, TaskStatus.FAILED):
        raise Conflicting("already_reviewed", "该调查已完成初审")
    if task.status is not TaskStatus.FINDINGS_SUBMITTED:
        raise Conflicting("findings_missing", "尚未提交入户调查结果，不能初审")
    return team


def check_recommendation(
    category: RecipientCategory,
    conditions: Iterable[SpecialCondition],
    confirmed: Iterable[SpecialCondition],
) -> None:
    """A pass must rest on conditions the visit confirmed, and the category must qualify."""
    conditions = tuple(conditions)
    if not set(conditions) <= set(confirmed):
        raise Invalid(
            "condition_not_confirmed",
            "推荐依据的特殊情形须在入户调查中已核实",
            field="body.recommended_conditions",
        )
    if not is_eligible(category, conditions):
        raise Invalid(
            "category_needs_condition",
            "低保边缘家庭、防止返贫监测对象、支出型困难家庭成员须具备失能半失能、重病或重度残疾情形",
            field="body.recommended_conditions",
        )


def pass_review(
    task: SurveyTask,
    *,
    by: str,
    category: RecipientCategory,
    conditions: Iterable[SpecialCondition],
    confirmed: Iterable[SpecialCondition],
    now: datetime,
) -> tuple[SurveyTask, Team]:
    """Records 初审 passed; returns the task and the team who signs."""
    team = _ready_for_review(task, by)
    check_recommendation(category, conditions, confirmed)
    return task._next(now, status=TaskStatus.PASSED), team


def fail_review(task: SurveyTask, *, by: str, now: datetime) -> tuple[SurveyTask, Team]:
    """Records 初审 failed; returns the task and the team who signs."""
    team = _ready_for_review(task, by)
    return task._next(now, status=TaskStatus.FAILED), team


def cancel(
    task: SurveyTask, *, application_version: int, reason: str, now: datetime
) -> SurveyTask | None:
    """Cancels an unfinished task for a withdrawal; None for a stale or late withdrawal."""
    if application_version <= task.application_version or task.status not in UNFINISHED:
        return None
    return task._next(
        now,
        status=TaskStatus.CANCELLED,
        cancel_reason=reason,
        application_version=application_version,
    )
