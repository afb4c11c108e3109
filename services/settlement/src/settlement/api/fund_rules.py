"""Routes of restricted funds: what each fund may pay for, versioned per county."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Unprocessable
from civic.security import Principal, require_roles
from contracts import divisions
from contracts.enums import Role
from settlement.api.common import County, IdempotencyKey, PagingDep, ensure_county, ensure_division
from settlement.domain.fund_rules import HeldLine, HoldDecision, HoldFilter
from settlement.domain.reasons import BillingStatus, NotBillableReason
from settlement.handlers import fund_rules as use_cases
from settlement.schemas import Page
from settlement.schemas.fund_rules import (
    FundRulesRead,
    FundRulesSet,
    HoldRead,
    HoldResolutionRead,
    HoldResolutionSet,
)

router = APIRouter(tags=["fund rules 资金用途"])

#: Who may read a county's fund rules and its held lines (a township officer, their township).
Reader = Annotated[
    Principal,
    Depends(require_roles(Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.AUDITOR)),
]
CountyQ = Annotated[str | None, Query(pattern=r"^\d{6}$", description="County code.")]
TownshipQ = Annotated[str | None, Query(pattern=r"^\d{9}$", description="Township code.")]


@router.put(
    "/fund-rules/{county_code}",
    response_model=FundRulesRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="发布资金用途规则新版本（专款专用）",
    openapi_extra=reads_personal(None),
)
async def put_rules(
    county_code: str,
    body: FundRulesSet,
    officer: County,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> FundRulesRead:
    """A county officer adds a version of what each fund may pay for; held lines are
    re-checked by it (send an Idempotency-Key to retry safely)."""
    ensure_county(officer, county_code)
    cmd = use_cases.PublishRules(
        county_code,
        body.effective_from,
        tuple(rule.to_rule() for rule in body.funds),
        officer.user_id,
    )
    version = await use_cases.publish_rules(
        cmd, uow=uow, today=clock.today(), idempotency_key=idempotency_key
    )
    found = await use_cases.rule_versions(county_code, uow=uow)
    return FundRulesRead.of(next(v for v in found if v.version == version.version))


@router.get(
    "/fund-rules/{county_code}",
    response_model=list[FundRulesRead],
    responses=PROBLEM_RESPONSES,
    summary="资金用途规则历次版本",
    openapi_extra=reads_personal(None),
)
async def list_rules(county_code: str, reader: Reader, uow: UowDep) -> list[FundRulesRead]:
    """Every version of the county's fund rules, newest first (a township officer reads the
    rules of their own county)."""
    inside = reader.division is not None and divisions.contains(county_code, reader.division)
    if not inside:
        ensure_county(reader, county_code)
    return [FundRulesRead.of(v) for v in await use_cases.rule_versions(county_code, uow=uow)]


@router.get(
    "/fund-holds",
    response_model=Page[HoldRead],
    responses=PROBLEM_RESPONSES,
    summary="资金用途不符待县级处理的服务记录",
    openapi_extra=reads_personal("service_record"),
)
async def list_holds(
    reader: Reader,
    uow: UowDep,
    paging: PagingDep,
    county_code: CountyQ = None,
    township_code: TownshipQ = None,
) -> Page[HoldRead]:
    """Records no fund may pay under the county's rules, with why; a township officer sees
    their township's."""
    if county_code is None and township_code is None:
        raise Unprocessable(
            "请指定县(区)或乡镇(街道)", code="division_required", field="query.county_code"
        )
    for code in (county_code, township_code):
        if code is not None:
            ensure_division(reader, code)
    which = HoldFilter(county_code, township_code)
    held, total = await use_cases.holds_page(
        which, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [_hold(line) for line in held]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.post(
    "/fund-holds/{record_id}/resolution",
    response_model=HoldResolutionRead,
    responses=PROBLEM_RESPONSES,
    summary="县级处理资金用途不符的服务记录",
    openapi_extra=reads_personal("service_record"),
)
async def resolve(
    record_id: uuid.UUID, body: HoldResolutionSet, officer: County, uow: UowDep
) -> HoldResolutionRead:
    """A county officer pays a held record from a fund the rules allow, or refuses it for
    good; its lines post at once."""
    if body.decision is HoldDecision.REFUSE and body.funding_source is not None:
        raise Unprocessable(
            "不予结算时不能指定资金来源", code="fund_with_refusal", field="body.funding_source"
        )
    fund = None if body.funding_source is None else body.funding_source.value
    cmd = use_cases.ResolveHold(record_id, body.decision, fund, body.note_zh)
    row = await use_cases.resolve_hold(cmd, uow=uow, officer=officer)
    reason = row.reason_code
    return HoldResolutionRead(
        record_id=row.record_id,
        person_id=row.person_id,
        decision=body.decision,
        funding_source=body.funding_source,
        billing_status=row.billing_status,
        billing_status_zh=BillingStatus(row.billing_status).label_zh,
        reason_code=reason,
        reason_zh=NotBillableReason(reason).label_zh if reason else None,
    )


def _hold(line: HeldLine) -> HoldRead:
    reason = NotBillableReason.FUND_RESTRICTED
    return HoldRead.model_validate(
        {**asdict(line), "reason_code": reason.value, "reason_zh": reason.label_zh}
    )
