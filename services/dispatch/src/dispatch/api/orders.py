"""Orders as officers see them: a township's orders and queue, re-assignment, plans, records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, status

from civic import clock
from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from civic.security import Principal
from civic.uow import UnitOfWork
from contracts.values import Frequency
from dispatch.adapters.provider_topic import frequency_of
from dispatch.api.deps import DispatchDep, Officer, PageNo, PageSize, TownshipOfficer, VillageStaff
from dispatch.domain.orders import Order, OrderStatus, PendingChange
from dispatch.domain.recipients import RecipientContact
from dispatch.domain.records import PlannedForOrder
from dispatch.handlers import views
from dispatch.handlers.contacts import record_contact
from dispatch.handlers.reassign import reassign_order
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.orders import (
    ChangeRead,
    ContactBody,
    OrderRead,
    PendingChangeRead,
    ReassignBody,
)
from dispatch.schemas.services import PlanRead, RecordOutcome

router = APIRouter(tags=["服务订单 orders"], responses=PROBLEM_RESPONSES)


def order_read(order: Order) -> OrderRead:
    """The officers' view of an order."""
    return view_of(OrderRead, order, frequency=frequency_of(order))


@router.get(
    "/townships/{township_code}/orders",
    openapi_extra=reads_personal("order_list"),
    summary="乡镇(街道)服务订单",
)
async def township_orders(
    township_code: str,
    who: Officer,
    uow: UowDep,
    status_: OrderStatus | None = Query(None, alias="status", description="Only this status."),
    recipient_id: uuid.UUID | None = Query(None, description="Only this recipient's orders."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[OrderRead]:
    """A township's orders (or one recipient's there), newest first."""
    return await _township_page(
        township_code, status_, who, uow, page, size, queue_only=False, recipient_id=recipient_id
    )


@router.get(
    "/townships/{township_code}/queue",
    openapi_extra=reads_personal("order_list"),
    summary="乡镇(街道)待派单队列",
)
async def township_queue(
    township_code: str, who: Officer, uow: UowDep, page: PageNo = 1, size: PageSize = 20
) -> Page[OrderRead]:
    """Orders waiting for an officer: nobody eligible, or no answer in time."""
    return await _township_page(township_code, None, who, uow, page, size, queue_only=True)


@router.get(
    "/townships/{township_code}/unacknowledged-changes",
    openapi_extra=reads_personal("order_change"),
    summary="服务供给主体未确认的订单变更",
)
async def unacknowledged_changes(
    township_code: str, who: Officer, uow: UowDep, page: PageNo = 1, size: PageSize = 20
) -> Page[PendingChangeRead]:
    """Pauses, resumptions and ends told to providers that have not acknowledged, oldest first."""
    found, total = await views.township_pending_changes(
        township_code=township_code, officer=who, uow=uow, page=page, size=size
    )
    now = clock.now()
    items = [pending_read(pending, now) for pending in found]
    return Page(items=items, total=total, page=page, size=size)


def pending_read(pending: PendingChange, now: datetime) -> PendingChangeRead:
    """The township's view of an unacknowledged change, overdue or not at ``now``."""
    return view_of(
        PendingChangeRead,
        pending.change,
        recipient_id=pending.recipient_id,
        display_name=pending.display_name,
        village_code=pending.village_code,
        item_code=pending.item_code,
        sent_at=pending.change.created_at,
        overdue=pending.overdue(now),
    )


async def _township_page(
    township_code: str,
    status_: OrderStatus | None,
    who: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
    *,
    queue_only: bool,
    recipient_id: uuid.UUID | None = None,
) -> Page[OrderRead]:
    """One page of a township's orders (or of its queue), as officers see them."""
    rows, total = await views.township_orders(
        township_code=township_code,
        status=status_,
        queue_only=queue_only,
        recipient_id=recipient_id,
        officer=who,
        uow=uow,
        page=page,
        size=size,
    )
    return Page(items=[order_read(r) for r in rows], total=total, page=page, size=size)


@router.get("/orders/{order_id}", openapi_extra=reads_personal("order"), summary="服务订单详情")
async def read_order(order_id: uuid.UUID, who: Officer, uow: UowDep) -> OrderRead:
    """One order inside the caller's jurisdiction."""
    return order_read(await views.officer_order(order_id=order_id, officer=who, uow=uow))


@router.post(
    "/orders/{order_id}/reassign", openapi_extra=reads_personal("order"), summary="改派服务订单"
)
async def reassign(
    order_id: uuid.UUID, body: ReassignBody, who: TownshipOfficer, uow: UowDep, parts: DispatchDep
) -> OrderRead:
    """Hands a queued or open order to the provider the officer chose; returns the new order."""
    row = await reassign_order(
        order_id=order_id,
        provider_code=body.provider_code,
        reason_zh=body.reason_zh,
        officer=who,
        uow=uow,
        timing=parts.timing,
    )
    return order_read(row)


@router.get(
    "/orders/{order_id}/plans", openapi_extra=reads_personal("service_plan"), summary="服务方案"
)
async def plans(order_id: uuid.UUID, who: Officer, uow: UowDep) -> list[PlanRead]:
    """The provider's plans covering the order."""
    planned = await views.order_plans(order_id=order_id, officer=who, uow=uow)
    return [view_of(PlanRead, item, frequency=_planned_frequency(item)) for item in planned]


@router.get(
    "/orders/{order_id}/records", openapi_extra=reads_personal("service_record"), summary="服务记录"
)
async def records(order_id: uuid.UUID, who: Officer, uow: UowDep) -> list[RecordOutcome]:
    """Every service record reported under the order, with its outcome."""
    reported = await views.order_records(order_id=order_id, officer=who, uow=uow)
    return [
        view_of(RecordOutcome, record, accepted=record.outcome == "delivered", reason_zh=None)
        for record in reported
    ]


def _planned_frequency(item: PlannedForOrder) -> Frequency:
    return Frequency(times=item.frequency_times, per=item.frequency_per)


@router.get(
    "/orders/{order_id}/changes",
    openapi_extra=reads_personal("order_change"),
    summary="订单变更及服务供给主体确认情况",
)
async def changes(order_id: uuid.UUID, who: Officer, uow: UowDep) -> list[ChangeRead]:
    """Every pause, resumption or end of the order, and whether its provider acknowledged."""
    rows = await views.order_changes(order_id=order_id, officer=who, uow=uow)
    return [view_of(ChangeRead, change) for change in rows]


@router.get(
    "/orders/{order_id}/contact-reads",
    openapi_extra=reads_personal("contact_reads"),
    summary="联系方式查阅记录",
)
async def contact_reads(order_id: uuid.UUID, who: Officer, uow: UowDep) -> list[dict[str, Any]]:
    """Who read the recipient's contact details through this order, and when."""
    reads = await views.contact_reads(order_id=order_id, officer=who, uow=uow)
    return [
        {"user_id": read.user_id, "provider_code": read.provider_code, "at": read.accessed_at}
        for read in reads
    ]


@router.put(
    "/recipients/{recipient_id}/contact",
    status_code=status.HTTP_204_NO_CONTENT,
    openapi_extra=reads_personal(None),  # nothing is answered
    summary="登记服务对象联系方式",
)
async def set_contact(
    recipient_id: uuid.UUID, body: ContactBody, who: VillageStaff, uow: UowDep
) -> None:
    """Records how the serving provider reaches the recipient (never sent over Kafka)."""
    contact = RecipientContact(**body.model_dump())
    await record_contact(contact, recipient_id=recipient_id, staff=who, uow=uow)
