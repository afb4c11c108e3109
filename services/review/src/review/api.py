"""review's HTTP routes: parse, call a use case, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Path, Query

from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.idempotency import check_key
from civic.security import Principal, require_roles
from contracts.enums import RecipientCategory, RecipientStatus, Role
from review import handlers
from review.domain.access import CaseQuery, RecipientQuery
from review.domain.case import CaseStatus, DecideCommand, PreliminaryOutcome
from review.schemas import (
    STATUS_EXAMPLES,
    CaseList,
    CaseRead,
    CaseSummary,
    DecisionIn,
    DecisionRead,
    RecipientList,
    RecipientRead,
    StatusChangeIn,
)

router = APIRouter()

QueueReader = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))
]
Decider = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
StatusChanger = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))
]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="重试时携带同一值, the first answer is returned."),
]
RecipientId = Annotated[uuid.UUID, Path(description="The recipient (服务对象编号).")]
RegistryReader = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.VILLAGE_STAFF,
            Role.COORDINATOR,
            Role.TOWNSHIP_OFFICER,
            Role.COUNTY_OFFICER,
            Role.AUDITOR,
        )
    ),
]
VillageFilter = Annotated[
    str | None,
    Query(
        pattern=r"^\d{12}$", description="只看该村(社区), 12 digits; must be in your jurisdiction."
    ),
]
PageNo = PageNumber
PageSize = Annotated[int, Query(ge=1, le=100, description="每页条数, at most 100.")]
ApplicationId = Annotated[uuid.UUID, Path(description="The application (申请编号).")]


@router.get(
    "/review-queue",
    response_model=CaseList,
    summary="审核队列 (the township's review queue)",
    tags=["review"],
    responses=PROBLEM_RESPONSES,
)
async def review_queue(
    principal: QueueReader,
    uow: UowDep,
    village_code: VillageFilter = None,
    status: Annotated[
        CaseStatus | None, Query(description="案件状态; default awaiting_decision.")
    ] = None,
    category: Annotated[RecipientCategory | None, Query(description="救助类别.")] = None,
    preliminary: Annotated[
        PreliminaryOutcome | None, Query(description="初审结果: passed or failed.")
    ] = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> CaseList:
    """Lists the cases in the caller's jurisdiction, oldest registration first."""
    query = CaseQuery(status, category, village_code, preliminary, page, size)
    cases, total = await handlers.list_queue(query, uow=uow, principal=principal)
    return CaseList(items=[CaseSummary.of(c) for c in cases], total=total, page=page, size=size)


@router.get(
    "/review-queue/{application_id}",
    response_model=CaseRead,
    summary="审核案件详情 (a case with survey findings)",
    tags=["review"],
    responses=PROBLEM_RESPONSES,
)
async def review_case(
    application_id: ApplicationId, principal: QueueReader, uow: UowDep
) -> CaseRead:
    """Shows one case: application facts, survey findings, 初审 and decision."""
    case, assessment = await handlers.read_case(application_id, uow=uow, principal=principal)
    return CaseRead.detail(case, assessment)


@router.post(
    "/applications/{application_id}/decision",
    response_model=DecisionRead,
    status_code=201,
    summary="审核确认 (approve or reject an application)",
    tags=["review"],
    responses=PROBLEM_RESPONSES,
)
async def decide(
    application_id: ApplicationId,
    body: Annotated[
        DecisionIn, Body(description="approve (需求认定 + 服务事项) or reject (理由).")
    ],
    officer: Decider,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> DecisionRead:
    """Decides an application of the officer's township; approval creates the recipient."""
    key = check_key(idempotency_key) if idempotency_key is not None else None
    cmd = DecideCommand(application_id=application_id, decision=body.to_domain())
    decision = await handlers.decide_application(cmd, uow=uow, officer=officer, idempotency_key=key)
    return DecisionRead.of(decision)


@router.get(
    "/recipients",
    response_model=RecipientList,
    summary="服务对象名册 (the recipient registry)",
    tags=["recipients"],
    responses=PROBLEM_RESPONSES,
)
async def recipients(
    principal: RegistryReader,
    uow: UowDep,
    village_code: VillageFilter = None,
    status: Annotated[RecipientStatus | None, Query(description="救助状态.")] = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> RecipientList:
    """Lists recipients in the caller's jurisdiction, earliest approval first."""
    query = RecipientQuery(village_code, status, page, size)
    found, total = await handlers.list_recipients(query, uow=uow, principal=principal)
    return RecipientList(
        items=[RecipientRead.of(r) for r in found], total=total, page=page, size=size
    )


@router.get(
    "/recipients/{recipient_id}",
    response_model=RecipientRead,
    summary="服务对象详情 (one recipient)",
    tags=["recipients"],
    responses=PROBLEM_RESPONSES,
)
async def recipient(
    recipient_id: RecipientId,
    principal: RegistryReader,
    uow: UowDep,
) -> RecipientRead:
    """Shows one recipient with status and approved items."""
    found = await handlers.read_recipient(recipient_id, uow=uow, principal=principal)
    return RecipientRead.of(found)


@router.patch(
    "/recipients/{recipient_id}/status",
    response_model=RecipientRead,
    summary="状态变更 (suspend, resume, stop, change category, transfer, record a death)",
    tags=["recipients"],
    responses=PROBLEM_RESPONSES,
)
async def change_status(
    recipient_id: RecipientId,
    body: Annotated[StatusChangeIn, Body(openapi_examples=STATUS_EXAMPLES)],
    officer: StatusChanger,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> RecipientRead:
    """Changes a recipient's status in the officer's jurisdiction; every service is told at once."""
    key = check_key(idempotency_key) if idempotency_key is not None else None
    changed = await handlers.change_status(
        recipient_id, body.to_domain(), uow=uow, officer=officer, idempotency_key=key
    )
    return RecipientRead.of(changed)
