"""HTTP models of survey tasks and their two-person teams."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from contracts import divisions
from contracts.enums import RecipientCategory, ServiceCategory, SpecialCondition
from survey.domain import SurveyTask, TaskStatus, Team
from survey.schemas.common import RequestModel, UserIdField, field_error
from survey.schemas.findings import FindingsRead
from survey.schemas.review import PreliminaryReviewRead


def _division_name(code: str) -> str:
    # A village missing from the shipped table (a county's new village) still lists, by code.
    return divisions.full_name_zh(code) if divisions.get(code) else code


class TeamIn(RequestModel):
    """The two-person survey team (2人调查组): two different people."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"village_staff_id": "u-village-01", "coordinator_id": "u-coordinator-01"}]
        }
    )

    village_staff_id: UserIdField = Field(
        description="Village/community staff member (村社区工作人员)."
    )
    coordinator_id: UserIdField = Field(
        description="Social-assistance coordinator (社会救助协理员); not the same person.",
        examples=["u-coordinator-01"],
    )

    @field_validator("coordinator_id")
    @classmethod
    def _two_people(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("village_staff_id"):
            raise field_error(
                "same_person_twice",
                "调查组须由两名不同人员组成：一名村(社区)工作人员和一名社会救助协理员",
            )
        return value


class TeamRead(BaseModel):
    """The team as assigned."""

    village_staff_id: str = Field(description="Village/community staff member.")
    coordinator_id: str = Field(description="Coordinator (协理员).")
    assigned_by: str = Field(description="Village staff member who assigned the team.")
    assigned_at: datetime = Field(description="When the team was (last) assigned.")

    @classmethod
    def of(cls, team: Team | None) -> TeamRead | None:
        """The read model of a team, if there is one."""
        return None if team is None else cls(**dataclasses.asdict(team))


class SurveyTaskSummary(BaseModel):
    """A survey task as listed for a village or township."""

    survey_id: uuid.UUID = Field(description="The survey; use it in every other call.")
    application_id: uuid.UUID = Field(description="The application being surveyed.")
    person_id: uuid.UUID = Field(description="The applicant (intake's person id).")
    display_name: str = Field(description="Masked name, e.g. 张*三.")
    county_code: str = Field(description="County-level division.")
    township_code: str = Field(description="Township/street.")
    village_code: str = Field(description="Village/community whose team surveys.")
    village_name_zh: str = Field(description="Full division name, e.g. 池州市贵池区殷汇镇示例一村.")
    category: RecipientCategory = Field(description="Assistance category claimed.")
    category_zh: str = Field(description="Its Chinese label.")
    status: TaskStatus = Field(
        description="open 待派调查组, team_assigned 待入户调查, findings_submitted 待初审, "
        "passed 初审通过, failed 初审未通过, cancelled 已取消."
    )
    status_zh: str = Field(description="Chinese label of the status.")
    version: int = Field(description="Increases on every change.")
    due_date: date = Field(description="Date by which the visit should be done.")
    overdue: bool = Field(description="Visit not done and due date passed (Asia/Shanghai).")
    team: TeamRead | None = Field(description="The team, once assigned.")
    created_at: datetime = Field(description="When the task was created.")
    updated_at: datetime = Field(description="Last change.")

    @classmethod
    def summary_fields(cls, task: SurveyTask, today: date) -> dict[str, object]:
        """The summary's values for a task."""
        return {
            **{k: getattr(task, k) for k in SurveyTaskSummary.model_fields if hasattr(task, k)},
            "village_name_zh": _division_name(task.village_code),
            "category_zh": task.category.label_zh,
            "status_zh": task.status.label_zh,
            "overdue": task.is_overdue(today),
            "team": TeamRead.of(task.team),
        }

    @classmethod
    def of(cls, task: SurveyTask, today: date) -> SurveyTaskSummary:
        """The list entry of a task."""
        return cls.model_validate(cls.summary_fields(task, today))


class SurveyTaskRead(SurveyTaskSummary):
    """A survey task with what the application claimed, the findings and the 初审."""

    household_id: uuid.UUID = Field(description="The household (户).")
    special_conditions: list[SpecialCondition] = Field(description="Conditions claimed.")
    requested_item_codes: list[str] = Field(description="Catalogue items asked for.")
    need_categories: list[ServiceCategory] = Field(description="Need classified at registration.")
    household_size: int = Field(description="Household size declared at application.")
    cancel_reason: str | None = Field(description="Withdrawal reason code, if cancelled.")
    findings: FindingsRead | None = Field(description="The findings, once uploaded.")
    preliminary_review: PreliminaryReviewRead | None = Field(description="The 初审, once recorded.")


class SurveyTaskPage(BaseModel):
    """One page of survey tasks."""

    items: list[SurveyTaskSummary] = Field(description="Tasks on this page, by due date.")
    total: int = Field(description="Tasks matching the filters.")
    page: int = Field(description="Page number, from 1.")
    size: int = Field(description="Page size (≤ 100).")
    by_status: dict[TaskStatus, int] = Field(
        description="Tasks of the jurisdiction (or the village asked for) in each status, "
        "whatever the status and overdue filters."
    )
    overdue_total: int = Field(
        description="Of those, the tasks still to be visited whose due date has passed."
    )
