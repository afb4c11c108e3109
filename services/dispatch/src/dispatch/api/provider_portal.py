"""The provider's own API: its orders only, its answers, plans and service records.

The token's ``provider_code`` decides everything: another provider's order answers 404,
exactly like an order that does not exist.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from civic.audit import reads_personal
from civic.deps import UowDep
from civic.errors import PROBLEM_RESPONSES
from dispatch.adapters.provider_topic import frequency_of
from dispatch.api.deps import DispatchDep, PageNo, PageSize, ProviderUser, provider_code_of
from dispatch.domain.orders import Acceptance, Order, OrderStatus
from dispatch.domain.records import Report
from dispatch.handlers import views
from dispatch.handlers.changes import Acknowledgement, acknowledge_change
from dispatch.handlers.contacts import read_contact
from dispatch.handlers.records import Outcome, Reported, report_services
from dispatch.handlers.replies import (
    Answer,
    Plan,
    PlannedItem,
    accept_order,
    decline_order,
    submit_plan,
)
from dispatch.schemas.common import Page, view_of
from dispatch.schemas.orders import (
    AcceptBody,
    ChangeAckBody,
    ChangeRead,
    ContactRead,
    DeclineBody,
    ProviderOrderRead,
)
from dispatch.schemas.services import BatchOutcome, PlanBody, RecordBatch, RecordBody, RecordOutcome

router = APIRouter(
    prefix="/provider", tags=["服务供给主体端 provider"], responses=PROBLEM_RESPONSES
)

#: The largest batch of records the schema admits (500, every field at its longest, Chinese
#: escaped as \uXXXX) is about 1.3 MiB: past the shared body limit, so its route has its own.
BODY_LIMITS = {f"{router.prefix}/records/batch": 2 * 1024 * 1024}


def provider_order_read(order: Order) -> ProviderOrderRead:
    """The provider's view of its order."""
    return view_of(ProviderOrderRead, order, frequency=frequency_of(order))


@router.get("/orders", openapi_extra=reads_personal("order_list"), summary="本机构的服务订单")
async def my_orders(
    who: ProviderUser,
    uow: UowDep,
    status_: OrderStatus | None = Query(None, alias="status", description="Only this status."),
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[ProviderOrderRead]:
    """The caller's own orders, newest first."""
    rows, total = await views.provider_orders(
        provider_code=provider_code_of(who), status=status_, uow=uow, page=page, size=size
    )
    return Page(items=[provider_order_read(r) for r in rows], total=total, page=page, size=size)


@router.get("/orders/{order_id}", openapi_extra=reads_personal("order"), summary="服务订单详情")
async def my_order(order_id: uuid.UUID, who: ProviderUser, uow: UowDep) -> ProviderOrderRead:
    """One of the caller's own orders."""
    row = await views.provider_order(
        order_id=order_id, provider_code=provider_code_of(who), uow=uow
    )
    return provider_order_read(row)


@router.post("/orders/{order_id}/accept", openapi_extra=reads_personal("order"), summary="接单")
async def accept(
    order_id: uuid.UUID, body: AcceptBody, who: ProviderUser, uow: UowDep
) -> ProviderOrderRead:
    """Accepts an order (institutional care: admission date; party building: paired member)."""
    answer = Answer(order_id, body.order_version, provider_code_of(who))
    row = await accept_order(
        answer, Acceptance(body.admission_date, body.paired_member_ref), uow=uow
    )
    return provider_order_read(row)


@router.post("/orders/{order_id}/decline", openapi_extra=reads_personal("order"), summary="拒单")
async def decline(
    order_id: uuid.UUID, body: DeclineBody, who: ProviderUser, uow: UowDep, parts: DispatchDep
) -> ProviderOrderRead:
    """Declines an order with a reason; the township's referral moves to the next provider."""
    answer = Answer(order_id, body.order_version, provider_code_of(who))
    row = await decline_order(
        answer, body.reason_code, body.reason_zh, uow=uow, timing=parts.timing
    )
    return provider_order_read(row)


@router.post(
    "/orders/{order_id}/change-acknowledgement",
    openapi_extra=reads_personal("order_change"),  # why: death, suspension, transfer
    summary="确认订单变更通知",
)
async def acknowledge(
    order_id: uuid.UUID, body: ChangeAckBody, who: ProviderUser, uow: UowDep
) -> ChangeRead:
    """Confirms a pause, resumption or end of the order (and its earlier changes)."""
    ack = Acknowledgement(
        order_id,
        body.order_version,
        provider_code_of(who),
        body.acknowledged_event_id,
        "http",
        who.user_id,
    )
    row = await acknowledge_change(ack, uow=uow)
    return view_of(ChangeRead, row)


@router.get(
    "/orders/{order_id}/contact",
    openapi_extra=reads_personal("order_contact"),
    summary="查看服务对象联系方式",
)
async def contact(order_id: uuid.UUID, who: ProviderUser, uow: UowDep) -> ContactRead:
    """The recipient's address and phone for an open order; every read is logged."""
    provider_code_of(who)
    order, found = await read_contact(order_id=order_id, provider=who, uow=uow)
    return ContactRead(
        order_id=order.order_id,
        recipient_id=order.recipient_id,
        person_id=order.person_id,
        address=found.address,
        phone=found.phone,
        emergency_contact=found.emergency_contact,
        notes_zh=found.notes_zh,
    )


@router.post("/plans", openapi_extra=reads_personal(None), summary="提交服务方案")
async def plan(body: PlanBody, who: ProviderUser, uow: UowDep) -> dict[str, bool]:
    """Submits or revises a plan for one person; ``stored`` is false for an old revision."""
    items = tuple(PlannedItem(i.order_id, i.item_code, i.frequency) for i in body.items)
    command = Plan(
        body.plan_id,
        body.version,
        provider_code_of(who),
        items,
        body.starts_on,
        body.ends_on,
        body.summary_zh,
        who.user_id,
    )
    return {"stored": await submit_plan(command, uow=uow)}


@router.post(
    "/records",
    openapi_extra=reads_personal("service_record"),  # a refusal can say the aid ended
    summary="报送服务记录",
)
async def record(
    body: RecordBody, who: ProviderUser, uow: UowDep, parts: DispatchDep
) -> RecordOutcome:
    """Reports one service; the answer says whether it counts (a retry gets the same answer)."""
    code = provider_code_of(who)
    (outcome,) = await report_services(
        [reported(body, code)], provider_code=code, uow=uow, timing=parts.timing
    )
    return outcome_read(outcome)


@router.post(
    "/records/batch", openapi_extra=reads_personal("service_record"), summary="批量报送服务记录"
)
async def record_batch(
    body: RecordBatch, who: ProviderUser, uow: UowDep, parts: DispatchDep
) -> BatchOutcome:
    """Reports a day's services; each is accepted or refused on its own."""
    code = provider_code_of(who)
    outcomes = await report_services(
        [reported(r, code) for r in body.records],
        provider_code=code,
        uow=uow,
        timing=parts.timing,
    )
    reads = [outcome_read(o) for o in outcomes]
    accepted = sum(r.accepted for r in reads)
    return BatchOutcome(accepted=accepted, refused=len(reads) - accepted, outcomes=reads)


def reported(body: RecordBody, provider_code: str) -> Reported:
    """The record use case's command from an HTTP body."""
    report = Report(
        body.record_id,
        provider_code,
        body.item_code,
        body.service_date,
        body.started_at,
        body.ended_at,
        body.worker_ref,
        body.recipient_confirmed,
        body.confirmation_ref,
        len(body.evidence_document_ids),
    )
    evidence = tuple(body.evidence_document_ids)
    return Reported(report, body.order_id, body.quantity, body.location, evidence, "http")


def outcome_read(outcome: Outcome) -> RecordOutcome:
    """The API view of a record's outcome."""
    return RecordOutcome(
        record_id=outcome.record_id,
        accepted=outcome.accepted,
        check_code=outcome.check,
        reason_zh=outcome.reason_zh,
    )
