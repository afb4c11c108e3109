"""Routes of applications and discoveries: parse, call a use case, shape the answer."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse

from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import RATE_LIMITED_RESPONSES
from civic.idempotency import Answer, Retry
from civic.rate_limits import APP_RATE_LIMIT
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.fields import VillageCode
from intake.api.roles import Changer, Coordinator, IdempotencyKey, Officer, Reader, Staff, Submitter
from intake.domain.model import Application, Draft
from intake.domain.status import ApplicationStatus
from intake.handlers import lifecycle, queries, submission
from intake.handlers.submission import Submission
from intake.repository import IntakeRecords
from intake.schemas import examples
from intake.schemas.requests import (
    ApplicationCreate,
    DiscoveryCreate,
    RegistrationCreate,
    WithdrawalCreate,
)
from intake.schemas.responses import ApplicationList, ApplicationRead, ApplicationSummaryRead

# The applicant apps (微信/皖事通) and the coordinators' app call these: limited per user.
router = APIRouter(responses=RATE_LIMITED_RESPONSES, dependencies=[APP_RATE_LIMIT])


#: A use case that opens an application and answers it once (``submission``'s two).
OpensApplication = Callable[[Draft, Submission], Awaitable[Answer]]


def _render(app: Application) -> dict[str, Any]:
    return ApplicationRead.of(app).model_dump(mode="json")


async def _opened(
    opens: OpensApplication,
    body: ApplicationCreate | DiscoveryCreate,
    *,
    route: str,
    caller: Principal,
    uow: UnitOfWork,
    idempotency_key: str | None,
) -> JSONResponse:
    """Runs a use case that opens an application; a retry with the key gets the first answer."""
    retry = Retry.of(
        idempotency_key, route=route, user_id=caller.user_id, body=body.model_dump(mode="json")
    )
    asked = Submission(uow, IntakeRecords(uow), caller, retry, _render)
    answer = await opens(body.to_draft(), asked)
    return JSONResponse(answer.body, status_code=answer.status)


@router.post(
    "/applications",
    openapi_extra=reads_personal("application"),
    status_code=201,
    response_model=ApplicationRead,
    responses=examples.SUBMIT_RESPONSES,
    tags=["applications"],
    summary="提交申请 (submit an application)",
)
async def submit_application(
    body: Annotated[ApplicationCreate, Body(openapi_examples=examples.APPLICATION)],
    caller: Submitter,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Submits an application; an app (微信/皖事通) is answered alike, staff (窗口) may get 409."""
    return await _opened(
        submission.submit_application,
        body,
        route="applications",
        caller=caller,
        uow=uow,
        idempotency_key=idempotency_key,
    )


@router.post(
    "/discoveries",
    openapi_extra=reads_personal("application"),
    status_code=201,
    response_model=ApplicationRead,
    tags=["discoveries"],
    summary="主动发现报告 (a coordinator reports a person in need)",
)
async def report_discovery(
    body: Annotated[DiscoveryCreate, Body(openapi_examples=examples.DISCOVERY)],
    caller: Coordinator,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Records a coordinator's discovery in their village and opens an application for it."""
    return await _opened(
        submission.report_discovery,
        body,
        route="discoveries",
        caller=caller,
        uow=uow,
        idempotency_key=idempotency_key,
    )


@router.post(
    "/applications/{application_id}/registration",
    openapi_extra=reads_personal("application"),
    tags=["applications"],
    summary="受理登记 (the township registers and classifies)",
)
async def register_application(
    application_id: uuid.UUID,
    body: Annotated[RegistrationCreate, Body(openapi_examples=examples.REGISTRATION)],
    caller: Officer,
    uow: UowDep,
) -> ApplicationRead:
    """Registers a submitted application of the officer's township; 409 in any other status."""
    app = await lifecycle.register_application(
        application_id,
        body.to_claim(),
        verified=body.checks_verified,
        uow=uow,
        records=IntakeRecords(uow),
        caller=caller,
    )
    return ApplicationRead.of(app)


@router.post(
    "/applications/{application_id}/withdrawal",
    openapi_extra=reads_personal("application"),
    tags=["applications"],
    summary="撤回申请 (withdraw before a decision)",
)
async def withdraw_application(
    application_id: uuid.UUID,
    body: Annotated[WithdrawalCreate, Body(openapi_examples=examples.WITHDRAWAL)],
    caller: Changer,
    uow: UowDep,
) -> ApplicationRead:
    """Withdraws an undecided application (its own app, or staff in jurisdiction)."""
    app = await lifecycle.withdraw_application(
        application_id,
        body.reason_code,
        body.reason_zh,
        uow=uow,
        records=IntakeRecords(uow),
        caller=caller,
    )
    return ApplicationRead.of(app)


@router.get(
    "/applications/{application_id}",
    openapi_extra=reads_personal("application"),
    tags=["applications"],
    summary="查询办理进度 (status and timeline)",
)
async def get_application(
    application_id: uuid.UUID, caller: Reader, uow: UowDep
) -> ApplicationRead:
    """The application's status with a Chinese label and its timeline; numbers masked."""
    app = await queries.get_application(
        application_id, uow=uow, records=IntakeRecords(uow), caller=caller
    )
    return ApplicationRead.of(app)


@router.get(
    "/applications",
    openapi_extra=reads_personal("application_list"),
    tags=["applications"],
    summary="申请列表 (staff, within jurisdiction)",
)
async def list_applications(
    caller: Staff,
    uow: UowDep,
    status: Annotated[ApplicationStatus | None, Query(description="Only this status.")] = None,
    village_code: Annotated[
        VillageCode | None, Query(description="Only this village (inside your jurisdiction).")
    ] = None,
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=100, description="Page size, at most 100.")] = 20,
    needs_verification: Annotated[
        bool | None,
        Query(description="Only (true) or none (false) of those awaiting verification (待核实)."),
    ] = None,
) -> ApplicationList:
    """Applications in the caller's jurisdiction, newest first, filtered and paginated."""
    summaries, total = await queries.list_applications(
        uow=uow,
        records=IntakeRecords(uow),
        caller=caller,
        status=status,
        village_code=village_code,
        page=page,
        size=size,
        needs_verification=needs_verification,
    )
    items = [ApplicationSummaryRead.of(summary) for summary in summaries]
    return ApplicationList(items=items, total=total, page=page, size=size)
