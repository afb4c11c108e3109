"""survey's routes of survey tasks: parse, call a use case, shape the answer (no transaction)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Query

from civic import clock
from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import RATE_LIMITED_RESPONSES
from civic.rate_limits import APP_RATE_LIMIT
from civic.security import Principal, require_roles
from contracts import calendar
from contracts.enums import Role
from survey import handlers
from survey.api import mapping
from survey.domain import TaskStatus
from survey.repository import SurveyRepository
from survey.schemas import (
    FindingsIn,
    FindingsReceipt,
    PreliminaryReviewIn,
    PreliminaryReviewRead,
    SurveyTaskPage,
    SurveyTaskRead,
    TeamIn,
)

# The coordinators' app lists tasks and uploads findings here: limited per user.
router = APIRouter(
    prefix="/survey-tasks",
    tags=["survey 入户调查"],
    responses=RATE_LIMITED_RESPONSES,
    dependencies=[APP_RATE_LIMIT],
)

Reader = Annotated[
    Principal, Depends(require_roles(Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER))
]
TeamMember = Annotated[Principal, Depends(require_roles(Role.VILLAGE_STAFF, Role.COORDINATOR))]
VillageStaff = Annotated[Principal, Depends(require_roles(Role.VILLAGE_STAFF))]
SurveyId = Annotated[uuid.UUID, Path(description="The survey task (survey_id).")]


@router.get(
    "",
    openapi_extra=reads_personal("survey_task_list"),
    summary="调查任务列表 (survey tasks in my jurisdiction)",
    description="Village staff and coordinators see their village, township officers their "
    "township. Filter by one village inside the jurisdiction, by status, or to overdue tasks; "
    "ordered by due date. The answer also counts the scope's tasks by status and those overdue. "
    "Errors: `role_forbidden`, `outside_jurisdiction` (403), `unknown_division` (422).",
)
async def list_survey_tasks(
    principal: Reader,
    uow: UowDep,
    village_code: Annotated[
        str | None,
        Query(pattern=r"^\d{12}$", description="One village (12 digits), e.g. 341702100201."),
    ] = None,
    status: Annotated[TaskStatus | None, Query(description="Only tasks in this status.")] = None,
    overdue: Annotated[
        bool, Query(description="Only tasks still to be visited whose due date has passed.")
    ] = False,
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=100, description="Page size, at most 100.")] = 20,
) -> SurveyTaskPage:
    """Lists survey tasks inside the caller's jurisdiction, a page at a time."""
    found = await handlers.list_tasks(
        uow=uow,
        records=SurveyRepository(uow),
        principal=principal,
        village_code=village_code,
        status=status,
        page=page,
        size=size,
        overdue_only=overdue,
    )
    return mapping.task_page(found, page=page, size=size, today=clock.today())


@router.get(
    "/{survey_id}",
    openapi_extra=reads_personal("survey_task"),
    summary="调查任务详情 (one survey task)",
    description="The task with its team, findings (ID numbers masked) and 初审. Errors: "
    "`survey_not_found` (404), `role_forbidden`, `outside_jurisdiction` (403).",
)
async def get_survey_task(survey_id: SurveyId, principal: Reader, uow: UowDep) -> SurveyTaskRead:
    """Reads one survey task inside the caller's jurisdiction."""
    view = await handlers.read_task(
        survey_id, uow=uow, records=SurveyRepository(uow), principal=principal
    )
    return mapping.task_read(view, clock.today())


@router.put(
    "/{survey_id}/team",
    openapi_extra=reads_personal("survey_task"),
    summary="指派调查组 (assign the two-person team)",
    description="Village staff of the task's village assign exactly two different people: "
    "one village staff member and one coordinator (协理员). Re-assigning is allowed until the "
    "findings are in; the same team again changes nothing. Publishes SurveyTeamAssigned. "
    "Errors: `same_person_twice` (422), `team_locked`, `task_cancelled` (409), "
    "`survey_not_found` (404), `role_forbidden`, `outside_jurisdiction` (403).",
)
async def assign_survey_team(
    survey_id: SurveyId, cmd: TeamIn, principal: VillageStaff, uow: UowDep
) -> SurveyTaskRead:
    """Assigns the two-person survey team of a task."""
    now = clock.now()
    view = await handlers.assign_team(
        mapping.team_choice(cmd),
        uow=uow,
        records=SurveyRepository(uow),
        principal=principal,
        survey_id=survey_id,
        now=now,
    )
    return mapping.task_read(view, calendar.day_of(now))


@router.put(
    "/{survey_id}/findings/{submission_id}",
    openapi_extra=reads_personal("survey_findings"),
    summary="上传入户调查结果 (upload the findings; idempotent)",
    description="The 智慧民政 app generates `submission_id` (a UUID) when the visit is "
    "recorded, offline if need be, and PUTs until it gets an answer: the same upload again "
    "returns the first answer and publishes nothing more. Only a team member uploads, and "
    "`confirmed_by` names both members. Late uploads are accepted. Publishes SurveyCompleted "
    "(codes only: notes, members, photos and location stay in survey). Errors: "
    "`visit_in_future`, `confirmation_incomplete`, `duplicate_value`, ID-number codes "
    "(`bad_check_char`…) (422); `submission_id_reused`, `findings_already_submitted`, "
    "`team_not_assigned`, `task_cancelled` (409); `survey_not_found` (404); `not_team_member`, "
    "`role_forbidden`, `outside_jurisdiction` (403).",
)
async def put_findings(
    survey_id: SurveyId,
    submission_id: Annotated[
        uuid.UUID, Path(description="Upload id generated by the app; reuse it for retries.")
    ],
    cmd: FindingsIn,
    principal: TeamMember,
    uow: UowDep,
) -> FindingsReceipt:
    """Stores the team's findings once, however often the app retries."""
    receipt = await handlers.submit_findings(
        mapping.findings_upload(cmd),
        uow=uow,
        records=SurveyRepository(uow),
        principal=principal,
        survey_id=survey_id,
        submission_id=submission_id,
        now=clock.now(),
    )
    return mapping.receipt_read(receipt)


@router.post(
    "/{survey_id}/preliminary-review",
    openapi_extra=reads_personal("preliminary_review"),
    status_code=201,
    summary="初审 (preliminary review by the survey team)",
    description="A team member records the team's 初审 after the findings: `passed` with a "
    "recommendation, or `failed` with a reason code. Both members sign (reviewed_by). "
    "Publishes PreliminaryReviewPassed or PreliminaryReviewFailed. Send an `Idempotency-Key` "
    "to make retries safe. Errors: `condition_not_confirmed`, `category_needs_condition`, "
    "`reason_required`, `duplicate_value` (422); `findings_missing`, `already_reviewed`, "
    "`task_cancelled`, `idempotency_key_reused` (409); `survey_not_found` (404); "
    "`not_team_member`, `role_forbidden`, `outside_jurisdiction` (403).",
)
async def post_preliminary_review(
    survey_id: SurveyId,
    cmd: Annotated[PreliminaryReviewIn, Body(description="passed or failed, by `outcome`.")],
    principal: TeamMember,
    uow: UowDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key", description="Optional; a retry with it gets the first answer."
        ),
    ] = None,
) -> PreliminaryReviewRead:
    """Records the team's preliminary review (初审) and publishes it."""
    recorded = await handlers.record_preliminary_review(
        mapping.review_decision(cmd),
        uow=uow,
        records=SurveyRepository(uow),
        principal=principal,
        survey_id=survey_id,
        idempotency_key=idempotency_key,
        now=clock.now(),
    )
    return mapping.recorded_review_read(recorded)
