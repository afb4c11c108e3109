"""review's routes for emergency care (救急难): opened at once by a coordinator or the
township, and the township's queue of open, confirmed and ended emergencies."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query

from civic.audit import reads_personal
from civic.deps import PageNumber, RuntimeDep, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal, require_roles
from contracts.enums import Role
from review import handlers
from review.api.deps import IdempotencyKey, PageSize, VillageFilter, checked
from review.domain.access import EmergencyQuery
from review.domain.emergency import EmergencyState
from review.schemas.emergency import EmergencyIn, EmergencyList, EmergencyRead
from review.settings import Settings

router = APIRouter(tags=["emergency care"], responses=PROBLEM_RESPONSES)

RecipientId = Annotated[uuid.UUID, Path(description="The recipient (服务对象编号).")]
Opener = Annotated[Principal, Depends(require_roles(Role.COORDINATOR, Role.TOWNSHIP_OFFICER))]
Reader = Annotated[
    Principal,
    Depends(require_roles(Role.COORDINATOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)),
]


def day_s(runtime: RuntimeDep) -> float:
    """Seconds in a day of emergency care (the settings'; shortened in tests)."""
    settings = runtime.settings
    return settings.emergency_day_s if isinstance(settings, Settings) else 86400.0


@router.post(
    "/emergencies",
    openapi_extra=reads_personal("emergency"),
    status_code=201,
    summary="启动临时救助 (open emergency care at once)",
)
async def open_emergency(
    body: Annotated[EmergencyIn, Body(description="申请, 临时服务事项, 天数, 同意(集中供养).")],
    opener: Opener,
    uow: UowDep,
    seconds_per_day: Annotated[float, Depends(day_s)],
    idempotency_key: IdempotencyKey = None,
) -> EmergencyRead:
    """Makes the applicant a recipient at once, time-boxed until the review confirms it."""
    opened = await handlers.open_emergency(
        body.to_domain(),
        uow=uow,
        opener=opener,
        day_s=seconds_per_day,
        idempotency_key=checked(idempotency_key),
    )
    return EmergencyRead.of(opened)


@router.get(
    "/emergencies",
    openapi_extra=reads_personal("emergency_list"),
    summary="临时救助队列 (open, confirmed and ended emergency care)",
)
async def emergencies(
    principal: Reader,
    uow: UowDep,
    village_code: VillageFilter = None,
    state: Annotated[
        EmergencyState | None,
        Query(description="open 临时救助中, confirmed 已审核确认, ended 已终止; default all."),
    ] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> EmergencyList:
    """Lists emergency care in the caller's jurisdiction, latest opened first."""
    query = EmergencyQuery(state, village_code, page, size)
    found, total = await handlers.list_emergencies(query, uow=uow, principal=principal)
    return EmergencyList(
        items=[EmergencyRead.of(e) for e in found], total=total, page=page, size=size
    )


@router.get(
    "/emergencies/{recipient_id}",
    openapi_extra=reads_personal("emergency"),
    summary="临时救助详情 (one emergency)",
)
async def emergency(recipient_id: RecipientId, principal: Reader, uow: UowDep) -> EmergencyRead:
    """Shows one emergency: deadline, consent, and whether it was confirmed or ended."""
    found = await handlers.read_emergency(recipient_id, uow=uow, principal=principal)
    return EmergencyRead.of(found)
