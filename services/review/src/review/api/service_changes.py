"""review's routes for changes to a recipient's services (及时进行优化、增减): proposals from
the village, a coordinator or the township, the queue, and the officer's decision."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query

from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal, require_roles
from contracts.enums import Role
from review import handlers
from review.api.deps import IdempotencyKey, PageSize, VillageFilter, checked
from review.domain.access import ChangeQuery
from review.domain.service_change import ChangeState
from review.schemas.service_change import (
    ApproveChangeIn,
    ChangeDecisionIn,
    ServiceChangeIn,
    ServiceChangeList,
    ServiceChangeRead,
)

router = APIRouter(tags=["service changes"], responses=PROBLEM_RESPONSES)

RecipientId = Annotated[uuid.UUID, Path(description="The recipient (服务对象编号).")]
ChangeId = Annotated[uuid.UUID, Path(description="The change request (调整申请编号).")]
Proposer = Annotated[
    Principal,
    Depends(require_roles(Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER)),
]
Reader = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER
        )
    ),
]
Decider = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))]


@router.post(
    "/recipients/{recipient_id}/service-changes",
    openapi_extra=reads_personal("service_change"),
    status_code=201,
    summary="服务事项调整申请 (propose adding, removing or changing items)",
)
async def propose(
    recipient_id: RecipientId,
    body: Annotated[ServiceChangeIn, Body(description="增减或调整的服务事项, 原因, 生效日期.")],
    proposer: Proposer,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> ServiceChangeRead:
    """Files a change for an active recipient of the caller's jurisdiction; the township (the
    county for institutional care) decides it."""
    filed = await handlers.propose_change(
        recipient_id,
        body.to_domain(),
        for_recipient=body.for_recipient,
        uow=uow,
        proposer=proposer,
        idempotency_key=checked(idempotency_key),
    )
    return ServiceChangeRead.of(filed)


@router.get(
    "/service-changes",
    openapi_extra=reads_personal("service_change_list"),
    summary="服务事项调整队列 (change requests to decide)",
)
async def service_changes(
    principal: Reader,
    uow: UowDep,
    village_code: VillageFilter = None,
    state: Annotated[
        ChangeState | None, Query(description="pending 待审核 (default), approved, refused.")
    ] = None,
    recipient_id: Annotated[uuid.UUID | None, Query(description="只看该服务对象.")] = None,
    county_decides: Annotated[
        bool | None, Query(description="true: 集中供养, decided by the county.")
    ] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> ServiceChangeList:
    """Lists change requests in the caller's jurisdiction, oldest first."""
    query = ChangeQuery(state, village_code, recipient_id, county_decides, page, size)
    found, total = await handlers.list_changes(query, uow=uow, principal=principal)
    items = [ServiceChangeRead.of(r) for r in found]
    return ServiceChangeList(items=items, total=total, page=page, size=size)


@router.get(
    "/service-changes/{change_id}",
    openapi_extra=reads_personal("service_change"),
    summary="服务事项调整申请详情 (one request and its decision)",
)
async def service_change(change_id: ChangeId, principal: Reader, uow: UowDep) -> ServiceChangeRead:
    """Shows one change request: what was asked, and the decision (a refusal's reason too)."""
    return ServiceChangeRead.of(await handlers.read_change(change_id, uow=uow, principal=principal))


@router.post(
    "/service-changes/{change_id}/decision",
    openapi_extra=reads_personal("service_change"),
    summary="审核服务事项调整 (approve or refuse a change)",
)
async def decide(
    change_id: ChangeId,
    body: Annotated[ChangeDecisionIn, Body(description="approve (服务机构) or refuse (理由).")],
    officer: Decider,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> ServiceChangeRead:
    """Approves (every service is told the new set) or refuses a pending change request."""
    approve = isinstance(body, ApproveChangeIn)
    decided = await handlers.decide_change(
        change_id,
        approve=approve,
        item_providers=body.providers() if isinstance(body, ApproveChangeIn) else (),
        refusal_zh=None if isinstance(body, ApproveChangeIn) else body.reason_zh,
        uow=uow,
        officer=officer,
        idempotency_key=checked(idempotency_key),
    )
    return ServiceChangeRead.of(decided)
