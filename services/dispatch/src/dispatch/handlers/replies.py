"""A provider's answers — accept, decline, plan — whether over HTTP or its reply topic.

Every answer names the provider (from its token, or from the reply topic it arrived on);
an order of another provider is treated as if it did not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from functools import partial

from civic.errors import Conflict, NotFound, Unprocessable
from civic.uow import UnitOfWork
from contracts.dispatch.services import PlannedService, ServicePlanRecorded
from contracts.enums import ServiceMode
from contracts.reasons import DeclineReason
from contracts.values import Frequency
from dispatch.adapters import order_events
from dispatch.domain.orders import OPEN_STATUSES, Acceptance, Order, OrderStatus, acceptance_problem
from dispatch.domain.plans import PlanState, level_of
from dispatch.handlers import Timing
from dispatch.handlers.referral import Basis, place
from dispatch.handlers.refused import kept_if_refused, leaving_accepted_order, withdraw_leaving
from dispatch.repository import orders, recipients, services


@dataclass(frozen=True)
class Answer:
    """Which order a provider answers, and the version it saw."""

    order_id: uuid.UUID
    order_version: int
    provider_code: str


@dataclass(frozen=True)
class PlannedItem:
    """One item of a plan."""

    order_id: uuid.UUID
    item_code: str
    frequency: Frequency


@dataclass(frozen=True)
class Plan:
    """A provider's service plan for one person (服务方案)."""

    plan_id: uuid.UUID
    version: int
    provider_code: str
    items: tuple[PlannedItem, ...]
    starts_on: date
    ends_on: date | None
    summary_zh: str | None
    submitted_by: str


async def own_order(
    uow: UnitOfWork, order_id: uuid.UUID, provider_code: str, *, for_update: bool = False
) -> Order:
    """The provider's own order; another provider's order is reported as not found."""
    order = await orders.get(uow.session, order_id, for_update=for_update)
    if order is None or order.provider_code != provider_code:
        raise NotFound("未找到该服务订单", code="order_not_found")
    return order


async def accept_order(answer: Answer, acceptance: Acceptance, *, uow: UnitOfWork) -> Order:
    """The provider takes the order on; services may be recorded from now."""
    async with uow:
        return await kept_if_refused(uow, lambda: _accept(answer, acceptance, uow))


async def _accept(answer: Answer, acceptance: Acceptance, uow: UnitOfWork) -> Order:
    order = await _answerable(uow, answer)
    if order.status == OrderStatus.ACCEPTED:
        return await withdraw_leaving(uow, order)  # a repeated acceptance
    if order.status != OrderStatus.ASSIGNED:
        raise Conflict("该服务订单已拒单", code="order_declined")
    problem = acceptance_problem(ServiceMode(order.mode), acceptance)
    if problem is not None:
        raise Unprocessable(problem[1], code=problem[0])
    terms = {
        "admission_date": acceptance.admission_date,
        "paired_member_ref": acceptance.paired_member_ref,
    }
    order = await orders.change(
        uow.session, answer.order_id, {"status": OrderStatus.ACCEPTED.value, **terms}
    )
    uow.emit(order_events.accepted(order))
    await uow.commit()
    return order


async def decline_order(
    answer: Answer,
    reason: DeclineReason,
    note_zh: str | None,
    *,
    uow: UnitOfWork,
    timing: Timing,
) -> Order:
    """The provider refuses; the item goes to the next eligible provider, or the queue (never
    for a recipient stopped, deceased or suspended: the status change and the decline take the
    recipient's lock, so whichever commits second sees the other)."""
    leaving = leaving_accepted_order(uow, answer.order_id, reason, note_zh)
    run = partial(_decline, answer, reason, note_zh, uow, timing)
    async with uow:
        return await kept_if_refused(uow, run, escalate=leaving)


async def _decline(
    answer: Answer, reason: DeclineReason, note_zh: str | None, uow: UnitOfWork, timing: Timing
) -> Order:
    await recipients.lock_of_order(uow.session, answer.order_id)
    order = await _answerable(uow, answer)
    if order.status == OrderStatus.DECLINED:
        return order  # a repeated refusal
    if order.status != OrderStatus.ASSIGNED:
        raise Conflict("已接单的服务订单不能拒单，请联系乡镇(街道)", code="order_already_accepted")
    why = {"decline_reason_code": reason.value, "decline_reason_zh": note_zh}
    order = await orders.change(
        uow.session, answer.order_id, {"status": OrderStatus.DECLINED.value, **why}
    )
    uow.emit(order_events.declined(order))
    await place(Basis.of(order), uow=uow, timing=timing, replaces=order.order_id)
    await uow.commit()
    return order


async def submit_plan(plan: Plan, *, uow: UnitOfWork) -> bool:
    """Keeps a provider's plan for one person; False when a newer revision is held."""
    async with uow:
        return await kept_if_refused(uow, lambda: _submit(plan, uow))


async def _submit(plan: Plan, uow: UnitOfWork) -> bool:
    held = await services.plan_version(uow.session, plan.plan_id)
    if held and held[1] != plan.provider_code:
        raise Conflict("方案编号已被使用", code="plan_id_taken", field="body.plan_id")
    if held and held[0] >= plan.version:
        return False
    planned = [await _plannable(uow, plan, item) for item in plan.items]
    people = {(order.person_id, order.recipient_id) for order in planned}
    if len(people) != 1:
        raise Unprocessable("一份服务方案只对应一名服务对象", code="plan_spans_people")
    person_id, recipient_id = people.pop()
    columns = _plan_columns(plan, person_id) | proposed(planned[0], planned)
    await services.save_plan(uow.session, columns, _item_rows(plan))
    uow.emit(_plan_submitted(plan, person_id, recipient_id))
    await uow.commit()
    return True


async def _answerable(uow: UnitOfWork, answer: Answer) -> Order:
    order = await own_order(uow, answer.order_id, answer.provider_code, for_update=True)
    if answer.order_version > order.version:
        raise Conflict("服务订单版本无效", code="order_version_unknown", field="order_version")
    if order.status == OrderStatus.PAUSED:
        raise Conflict("服务对象暂停救助，该服务订单已暂停", code="order_paused")
    if order.status not in (OrderStatus.ASSIGNED, OrderStatus.ACCEPTED, OrderStatus.DECLINED):
        raise Conflict("该服务订单已改派或已结束", code="order_closed")
    return order


async def _plannable(uow: UnitOfWork, plan: Plan, item: PlannedItem) -> Order:
    order = await own_order(uow, item.order_id, plan.provider_code)
    if OrderStatus(order.status) not in OPEN_STATUSES:
        raise Conflict("服务订单已改派或已结束", code="order_closed")
    if order.item_code != item.item_code:
        raise Unprocessable("方案事项与服务订单不一致", code="item_not_in_order")
    return order


def proposed(first: Order, planned: list[Order]) -> dict[str, object]:
    """A new or revised plan waits for agreement, by the township or (institutional care) the
    county (issue 20); an earlier answer no longer stands."""
    return {
        "state": PlanState.PROPOSED.value,
        "recipient_id": first.recipient_id,
        "county_code": first.county_code,
        "township_code": first.township_code,
        "decision_level": level_of(order.mode for order in planned).value,
        "decided_by": None,
        "decided_at": None,
        "return_reason_zh": None,
    }


def _plan_columns(plan: Plan, person_id: uuid.UUID) -> dict[str, object]:
    return {
        "plan_id": plan.plan_id,
        "version": plan.version,
        "provider_code": plan.provider_code,
        "person_id": person_id,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "summary_zh": plan.summary_zh,
        "submitted_by": plan.submitted_by,
    }


def _plan_submitted(
    plan: Plan, person_id: uuid.UUID, recipient_id: uuid.UUID
) -> ServicePlanRecorded:
    """The plan for the person's file (archive); the free-text summary stays here."""
    return ServicePlanRecorded(
        person_id=person_id,
        plan_id=plan.plan_id,
        version=plan.version,
        recipient_id=recipient_id,
        provider_code=plan.provider_code,
        items=tuple(PlannedService(**asdict(i)) for i in plan.items),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        submitted_by=plan.submitted_by,
    )


def _item_rows(plan: Plan) -> list[dict[str, object]]:
    return [
        {
            "plan_id": plan.plan_id,
            "order_id": i.order_id,
            "item_code": i.item_code,
            "frequency_times": i.frequency.times,
            "frequency_per": i.frequency.per.value,
        }
        for i in plan.items
    ]
