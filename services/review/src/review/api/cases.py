"""review's routes for cases: the township's review queue and the decision on an application."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.enums import RecipientCategory
from review import handlers
from review.api.deps import (
    IdempotencyKey,
    Officer,
    PageSize,
    TownshipOfficer,
    VillageFilter,
    checked,
)
from review.domain.access import CaseQuery
from review.domain.case import CaseStatus, DecideCommand, PreliminaryOutcome
from review.schemas import CaseList, CaseRead, CaseSummary, DecisionIn, DecisionRead

router = APIRouter(tags=["review"], responses=PROBLEM_RESPONSES)

ApplicationId = Annotated[uuid.UUID, Path(description="The application (申请编号).")]


@router.get(
    "/review-queue",
    openapi_extra=reads_personal("case_list"),
    summary="审核队列 (the township's review queue)",
)
async def review_queue(
    principal: Officer,
    uow: UowDep,
    village_code: VillageFilter = None,
    status: Annotated[
        CaseStatus | None, Query(description="案件状态; default awaiting_decision.")
    ] = None,
    category: Annotated[RecipientCategory | None, Query(description="救助类别.")] = None,
    preliminary: Annotated[
        PreliminaryOutcome | None, Query(description="初审结果: passed or failed.")
    ] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> CaseList:
    """Lists the cases in the caller's jurisdiction, oldest registration first."""
    query = CaseQuery(status, category, village_code, preliminary, page, size)
    found, total = await handlers.list_queue(query, uow=uow, principal=principal)
    items = [CaseSummary.of(case) for case in found]
    return CaseList(items=items, total=total, page=page, size=size)


@router.get(
    "/review-queue/{application_id}",
    openapi_extra=reads_personal("case"),
    summary="审核案件详情 (a case with survey findings)",
)
async def review_case(application_id: ApplicationId, principal: Officer, uow: UowDep) -> CaseRead:
    """Shows one case: application facts, survey findings, 初审 and decision."""
    case, assessment = await handlers.read_case(application_id, uow=uow, principal=principal)
    return CaseRead.detail(case, assessment)


@router.post(
    "/applications/{application_id}/decision",
    openapi_extra=reads_personal("decision"),
    status_code=201,
    summary="审核确认 (approve or reject an application)",
)
async def decide(
    application_id: ApplicationId,
    body: Annotated[
        DecisionIn, Body(description="approve (需求认定 + 服务事项) or reject (理由).")
    ],
    officer: TownshipOfficer,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> DecisionRead:
    """Decides an application of the officer's township; approval creates the recipient."""
    key = checked(idempotency_key)
    command = DecideCommand(application_id=application_id, decision=body.to_domain())
    decision, person_id = await handlers.decide_application(
        command, uow=uow, officer=officer, idempotency_key=key
    )
    return DecisionRead.of(decision, person_id=person_id)
