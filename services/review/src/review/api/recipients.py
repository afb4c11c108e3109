"""review's routes for the recipient registry and each recipient's status (动态管理)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query

from civic.audit import reads_personal
from civic.deps import PageNumber, UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal, require_roles
from contracts.enums import RecipientStatus, Role
from review import handlers
from review.api.deps import IdempotencyKey, Officer, PageSize, VillageFilter, checked
from review.domain.access import RecipientQuery
from review.schemas import STATUS_EXAMPLES, RecipientList, RecipientRead, StatusChangeIn

router = APIRouter(tags=["recipients"], responses=PROBLEM_RESPONSES)

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


@router.get(
    "/recipients",
    openapi_extra=reads_personal("recipient_list"),
    summary="服务对象名册 (the recipient registry)",
)
async def recipients(
    principal: RegistryReader,
    uow: UowDep,
    village_code: VillageFilter = None,
    status: Annotated[RecipientStatus | None, Query(description="救助状态.")] = None,
    name: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=20,
            description="姓名开头，如 钟离 或 钟离小春（已遮盖的字匹配任意字）.",
        ),
    ] = None,
    page: PageNumber = 1,
    size: PageSize = 20,
) -> RecipientList:
    """Lists recipients in the caller's jurisdiction, earliest approval first."""
    query = RecipientQuery(village_code, status, page, size, name=name)
    found, total = await handlers.list_recipients(query, uow=uow, principal=principal)
    items = [RecipientRead.of(recipient) for recipient in found]
    return RecipientList(items=items, total=total, page=page, size=size)


@router.get(
    "/recipients/{recipient_id}",
    openapi_extra=reads_personal("recipient"),
    summary="服务对象详情 (one recipient)",
)
async def recipient(
    recipient_id: RecipientId, principal: RegistryReader, uow: UowDep
) -> RecipientRead:
    """Shows one recipient with status and approved items."""
    found = await handlers.read_recipient(recipient_id, uow=uow, principal=principal)
    return RecipientRead.of(found)


@router.patch(
    "/recipients/{recipient_id}/status",
    openapi_extra=reads_personal("recipient"),
    summary="状态变更 (suspend, resume, stop, change category, transfer, record a death)",
)
async def change_status(
    recipient_id: RecipientId,
    body: Annotated[StatusChangeIn, Body(openapi_examples=STATUS_EXAMPLES)],
    officer: Officer,
    uow: UowDep,
    idempotency_key: IdempotencyKey = None,
) -> RecipientRead:
    """Changes a recipient's status in the officer's jurisdiction; every service is told at once."""
    changed = await handlers.change_status(
        recipient_id,
        body.to_domain(),
        uow=uow,
        officer=officer,
        idempotency_key=checked(idempotency_key),
    )
    return RecipientRead.of(changed)
