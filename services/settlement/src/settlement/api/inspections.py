"""Routes of the inspections at three levels (检查督查): record, list, read."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES, Forbidden
from civic.idempotency import check_key
from civic.security import Principal, ensure_jurisdiction, require_roles
from contracts.enums import Role
from contracts.supervision import SupervisionLevel
from settlement.api.common import MONTH_PATTERN, IdempotencyKey, PagingDep
from settlement.domain.inspections import INSPECTORS, Inspection, InspectionFilter, Subject
from settlement.domain.months import first_day, last_day
from settlement.handlers import inspections as use_cases
from settlement.schemas import Page
from settlement.schemas.inspections import InspectionCreate, InspectionRead, InspectionSummary

router = APIRouter(prefix="/inspections", tags=["inspections 检查督查"])

Inspector = Annotated[Principal, Depends(require_roles(*INSPECTORS))]
Reader = Annotated[Principal, Depends(require_roles(*INSPECTORS, Role.AUDITOR))]


@router.post(
    "",
    response_model=InspectionRead,
    status_code=status.HTTP_201_CREATED,
    responses=PROBLEM_RESPONSES,
    summary="登记检查督查",
    openapi_extra=reads_personal("inspection"),
)
async def record(
    body: InspectionCreate,
    inspector: Inspector,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> InspectionRead:
    """Records a visit at the inspector's level; a failed service record is reversed."""
    named = Subject(
        person_id=body.person_id,
        recipient_id=body.recipient_id,
        order_id=body.order_id,
        provider_id=body.provider_id,
        record_id=body.record_id,
        township_code=body.township_code,
    )
    cmd = use_cases.RecordInspection(
        named=named,
        kind=body.kind,
        outcome=body.outcome,
        findings=body.findings,
        checked_on=body.checked_on,
    )
    found = await use_cases.record_inspection(
        cmd,
        uow=uow,
        inspector=inspector,
        today=clock.today(),
        idempotency_key=None if idempotency_key is None else check_key(idempotency_key),
    )
    return InspectionRead.model_validate(_answer(found))


@router.get(
    "",
    response_model=Page[InspectionSummary],
    responses=PROBLEM_RESPONSES,
    summary="检查督查清单",
    openapi_extra=reads_personal("inspection"),
)
async def list_inspections(
    reader: Reader,
    uow: UowDep,
    paging: PagingDep,
    level: Annotated[SupervisionLevel | None, Query(description="Only this level.")] = None,
    village_code: Annotated[
        str | None, Query(pattern=r"^\d{12}$", description="Only this village (yours).")
    ] = None,
    provider_id: Annotated[uuid.UUID | None, Query(description="Only this provider.")] = None,
    month: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="Visits of this month (YYYY-MM).")
    ] = None,
) -> Page[InspectionSummary]:
    """The visits recorded in the reader's jurisdiction, newest first."""
    if reader.division is None:
        raise Forbidden("该事项不在您的管辖范围内", code="outside_jurisdiction")
    ensure_jurisdiction(reader, reader.division)  # a division the platform knows
    if village_code is not None:
        ensure_jurisdiction(reader, village_code)
    which = InspectionFilter(
        division_code=reader.division,
        level=level,
        village_code=village_code,
        provider_id=provider_id,
        first_day=None if month is None else first_day(month),
        last_day=None if month is None else last_day(month),
    )
    found, total = await use_cases.inspections_page(
        which, uow=uow, limit=paging.size, offset=paging.offset
    )
    items = [InspectionSummary.model_validate(_answer(x)) for x in found]
    return Page(items=items, total=total, page=paging.page, size=paging.size)


@router.get(
    "/{inspection_id}",
    response_model=InspectionRead,
    responses=PROBLEM_RESPONSES,
    summary="检查督查详情",
    openapi_extra=reads_personal("inspection"),
)
async def read(inspection_id: uuid.UUID, reader: Reader, uow: UowDep) -> InspectionRead:
    """One visit with the inspector's notes (the read is audited)."""
    found = await use_cases.get_inspection(inspection_id, uow=uow, reader=reader)
    return InspectionRead.model_validate(_answer(found))


def _answer(found: Inspection) -> dict[str, Any]:
    return {
        **asdict(found),
        "supervision_level_zh": found.supervision_level.label_zh,
        "kind_zh": found.kind.label_zh,
        "outcome_zh": found.outcome.label_zh,
    }
