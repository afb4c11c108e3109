"""intake's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES, Unauthorized
from civic.security import Principal, require_roles
from contracts.enums import Role
from contracts.fields import VillageCode
from intake.domain.model import Application
from intake.domain.status import ApplicationStatus
from intake.handlers import city, follow_up, lifecycle, queries, submission
from intake.handlers.access import STAFF_CHANGERS, STAFF_READERS, STAFF_SUBMITTERS
from intake.handlers.common import Retry
from intake.schemas import examples
from intake.schemas.city import CITY_REPORT, AssistanceStatusIn, CityStatusReceipt, FollowUpRun
from intake.schemas.requests import (
    ApplicationCreate,
    DiscoveryCreate,
    RegistrationCreate,
    WithdrawalCreate,
)
from intake.schemas.responses import ApplicationList, ApplicationRead, ApplicationSummaryRead
from intake.signatures import HTTP_HEADER, CitySignatures

router = APIRouter()

Submitter = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_SUBMITTERS))]
Coordinator = Annotated[Principal, Depends(require_roles(Role.COORDINATOR))]
Officer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
Changer = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_CHANGERS))]
Reader = Annotated[Principal, Depends(require_roles(Role.APPLICANT_APP, *STAFF_READERS))]
Staff = Annotated[Principal, Depends(require_roles(*STAFF_READERS))]
#: The city system's integration account, and the platform's administrators.
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Any unique ASCII string (≤200) per submission, e.g. a UUID made by the app. "
        "A retry with the same key and body gets the first answer (same status and body); the "
        "same key with a different body gets 409 `idempotency_key_reused`.",
    ),
]


async def city_signed(
    request: Request,
    signature: Annotated[
        str | None,
        Header(
            alias=HTTP_HEADER,
            description="The city system's detached JWS (RFC 7515 Appendix F), ES256 over the "
            "exact request body: `<header>..<signature>`. Without a valid one: 401 "
            "`bad_city_signature`, nothing done.",
        ),
    ] = None,
) -> None:
    """Refuses a report whose body the city system did not sign (before it is read)."""
    signatures: CitySignatures = request.app.state.city_signatures
    if (why := signatures.refusal(await request.body(), signature)) is None:
        return
    message = (
        "缺少市救助系统签名，报告未被接受" if not signature else "市救助系统签名无效，报告未被接受"
    )
    raise Unauthorized(
        message, code="bad_city_signature", field=f"header.{HTTP_HEADER}", extra={"reason": why}
    )


CitySigned = Annotated[None, Depends(city_signed)]


def _retry(key: str | None, route: str, caller: Principal, body: dict[str, Any]) -> Retry | None:
    return Retry.of(key, route=route, user_id=caller.user_id, body=body)


def _render(app: Application) -> dict[str, Any]:
    return ApplicationRead.of(app).model_dump(mode="json")


@router.post(
    "/applications",
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
    """Submits an application from an applicant app (微信/皖事通) or staff (窗口)."""
    retry = _retry(idempotency_key, "applications", caller, body.model_dump(mode="json"))
    answer = await submission.submit_application(
        body.to_draft(), uow=uow, caller=caller, retry=retry, render=_render
    )
    return JSONResponse(answer.body, status_code=answer.status)


@router.post(
    "/discoveries",
    status_code=201,
    response_model=ApplicationRead,
    responses=PROBLEM_RESPONSES,
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
    retry = _retry(idempotency_key, "discoveries", caller, body.model_dump(mode="json"))
    answer = await submission.report_discovery(
        body.to_draft(), uow=uow, caller=caller, retry=retry, render=_render
    )
    return JSONResponse(answer.body, status_code=answer.status)


@router.post(
    "/applications/{application_id}/registration",
    response_model=ApplicationRead,
    responses=PROBLEM_RESPONSES,
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
        application_id, body.to_claim(), uow=uow, caller=caller
    )
    return ApplicationRead.of(app)


@router.post(
    "/applications/{application_id}/withdrawal",
    response_model=ApplicationRead,
    responses=PROBLEM_RESPONSES,
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
        application_id, body.reason_code, body.reason_zh, uow=uow, caller=caller
    )
    return ApplicationRead.of(app)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationRead,
    responses=PROBLEM_RESPONSES,
    tags=["applications"],
    summary="查询办理进度 (status and timeline)",
)
async def get_application(
    application_id: uuid.UUID, caller: Reader, uow: UowDep
) -> ApplicationRead:
    """The application's status with a Chinese label and its timeline; numbers masked."""
    return ApplicationRead.of(await queries.get_application(application_id, uow=uow, caller=caller))


@router.get(
    "/applications",
    response_model=ApplicationList,
    responses=PROBLEM_RESPONSES,
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
) -> ApplicationList:
    """Applications in the caller's jurisdiction, newest first, filtered and paginated."""
    rows, total = await queries.list_applications(
        uow=uow, caller=caller, status=status, village_code=village_code, page=page, size=size
    )
    items = [ApplicationSummaryRead.of(r) for r in rows]
    return ApplicationList(items=items, total=total, page=page, size=size)


@router.post(
    "/inbound/assistance-status",
    status_code=202,
    response_model=CityStatusReceipt,
    responses=PROBLEM_RESPONSES,
    tags=["city system"],
    summary="市救助系统状态报告 (the city system reports a status change or a new admission)",
)
async def report_assistance_status(
    body: Annotated[AssistanceStatusIn, Body(openapi_examples=CITY_REPORT)],
    caller: Admin,
    _signed: CitySigned,
    uow: UowDep,
) -> CityStatusReceipt:
    """Takes a signed `assistance.status.v1` body over HTTP; a repeated report changes nothing."""
    receipt = await city.receive_city_status(body.to_event(), uow=uow)
    return CityStatusReceipt(**vars(receipt))


@router.post(
    "/follow-ups/{month}",
    response_model=FollowUpRun,
    responses=PROBLEM_RESPONSES,
    tags=["city system"],
    summary="月度跟进 (open applications for people the city system newly admitted)",
)
async def run_follow_up(
    month: Annotated[str, Path(description="The month, YYYY-MM (not later than this month).")],
    caller: Admin,
    uow: UowDep,
) -> FollowUpRun:
    """Runs the monthly follow-up now (it also runs by itself at the start of each month)."""
    opened = await follow_up.open_follow_up_applications(month, uow=uow)
    return FollowUpRun(month=month, opened=opened)
