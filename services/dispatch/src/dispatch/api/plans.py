"""Plan agreement (issue 20): the officers' queue of plans and their answer, the county's
rule for services under an unagreed plan, and the records it flags."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Query

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from contracts.values import Frequency
from dispatch.api.deps import CountyOfficer, Officer, PageNo, PageSize
from dispatch.domain.plans import PLAN_UNAGREED, DecisionLevel, PlanState
from dispatch.domain.plans import Decision as PlanDecision
from dispatch.handlers import plans as handlers
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.plans import (
    DecisionBody,
    FlaggedRecord,
    PlanDetail,
    PlanItemRead,
    PlanRuleBody,
    PlanRuleRead,
    PlanSummary,
)

router = APIRouter(tags=["服务方案 plans"], responses=PROBLEM_RESPONSES)


def detail(found: handlers.PlanFile) -> PlanDetail:
    """A plan with its words and items."""
    items = [
        PlanItemRead(
            order_id=i["order_id"],
            item_code=i["item_code"],
            frequency=Frequency(times=i["frequency_times"], per=i["frequency_per"]),
        )
        for i in found.items
    ]
    return view_of(PlanDetail, found.plan, items=items)


@router.get("/plans", openapi_extra=reads_personal("service_plan_list"), summary="服务方案队列")
async def plan_queue(
    who: Officer,
    uow: UowDep,
    state: PlanState | None = Query(None, description="Only this state (proposed: to answer)."),
    level: DecisionLevel | None = Query(None, description="Only plans answered at this level."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[PlanSummary]:
    """The plans of the officer's township or county, oldest first."""
    rows, total = await handlers.plan_queue(
        state=state, level=level, officer=who, uow=uow, page=page, size=size
    )
    return Page(items=[view_of(PlanSummary, r) for r in rows], total=total, page=page, size=size)


@router.get("/plans/{plan_id}", openapi_extra=reads_personal("service_plan"), summary="服务方案")
async def read_plan(plan_id: uuid.UUID, who: Officer, uow: UowDep) -> PlanDetail:
    """One plan with its words and items."""
    return detail(await handlers.plan_file(plan_id=plan_id, officer=who, uow=uow))


@router.post(
    "/plans/{plan_id}/decision",
    openapi_extra=reads_personal("service_plan"),
    summary="确认或退回服务方案",
)
async def decide(plan_id: uuid.UUID, body: DecisionBody, who: Officer, uow: UowDep) -> PlanDetail:
    """Agrees the plan's revision, or returns it with a reason (a stale version: 409)."""
    decision = PlanDecision(body.version, body.agree, body.reason_zh)
    found = await handlers.decide_plan(plan_id=plan_id, decision=decision, officer=who, uow=uow)
    return detail(found)


@router.put(
    "/plan-rules/{county_code}", openapi_extra=reads_personal(None), summary="服务方案未确认规则"
)
async def set_rule(
    county_code: str, body: PlanRuleBody, who: CountyOfficer, uow: UowDep
) -> PlanRuleRead:
    """Sets the county's next rule version for services under an unagreed plan."""
    rule = await handlers.set_plan_rule(
        county_code=county_code,
        flag_unagreed=body.flag_unagreed,
        grace_days=body.grace_days,
        officer=who,
        uow=uow,
    )
    return view_of(PlanRuleRead, rule)


@router.get(
    "/plan-rules/{county_code}", openapi_extra=reads_personal(None), summary="服务方案未确认规则"
)
async def read_rule(county_code: str, who: Officer, uow: UowDep) -> PlanRuleRead:
    """The county's rule in force."""
    rule = await handlers.plan_rule(county_code=county_code, officer=who, uow=uow)
    return view_of(PlanRuleRead, rule)


@router.get(
    "/records", openapi_extra=reads_personal("service_record_list"), summary="被标记的服务记录"
)
async def flagged(
    who: Officer,
    uow: UowDep,
    flag: Literal["plan_unagreed"] = Query(PLAN_UNAGREED, description="The flag."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[FlaggedRecord]:
    """Records that count but are flagged, in the officer's township or county."""
    rows, total = await handlers.flagged_records(
        flag=flag, officer=who, uow=uow, page=page, size=size
    )
    return Page(items=[FlaggedRecord(**dict(r)) for r in rows], total=total, page=page, size=size)
