"""A township officer overrides referral (改派): a queued order gets its first provider, an
open one is cancelled at its provider (who must acknowledge, like any change) and handed, as
a new order, to the officer's choice.
"""

from __future__ import annotations

import uuid
from typing import Any

from civic import clock
from civic.errors import Conflict, NotFound, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts.dispatch.orders import UnplacedReason
from contracts.reasons import OrderChangeReason
from dispatch.adapters import order_events
from dispatch.adapters.provider_topic import tell_assigned
from dispatch.domain.orders import REASSIGNABLE, Notice, Order, OrderAction, OrderStatus
from dispatch.domain.providers import Provider
from dispatch.domain.referral import eligible_for_override
from dispatch.handlers import Timing
from dispatch.handlers.changes import change_order
from dispatch.handlers.referral import Basis, assign, in_service, need_of
from dispatch.repository import catalogue, orders, providers, recipients


async def reassign_order(
    *,
    order_id: uuid.UUID,
    provider_code: str,
    reason_zh: str,
    officer: Principal,
    uow: UnitOfWork,
    timing: Timing,
) -> Order:
    """Hands an order to the provider a township officer chose (改派), overriding referral."""
    async with uow:
        order = await _reassignable(order_id, provider_code, officer, uow=uow)
        target = await _override_target(provider_code, Basis.of(order), uow=uow)
        note = {"assigned_by": officer.user_id, "assignment_note_zh": reason_zh}
        if order.status == OrderStatus.QUEUED:
            new = await _assign_queued(order, target, note, uow=uow, timing=timing)
        else:
            new = await _replace(order, target, note, uow=uow, timing=timing)
        await uow.commit()
        return new


async def _reassignable(
    order_id: uuid.UUID, provider_code: str, officer: Principal, *, uow: UnitOfWork
) -> Order:
    """The order, locked, once the officer may hand it to ``provider_code``."""
    await recipients.lock_of_order(uow.session, order_id)  # as a status change does
    order = await orders.get(uow.session, order_id, for_update=True)
    if order is None:
        raise NotFound("未找到该服务订单", code="order_not_found")
    ensure_jurisdiction(officer, order.township_code)
    if OrderStatus(order.status) not in REASSIGNABLE:
        raise Conflict("该服务订单已结束，不能改派", code="order_closed")
    if not await in_service(uow, order.recipient_id):
        raise Conflict("服务对象已停止、终止或暂停救助，不能改派", code="recipient_not_in_service")
    if order.provider_code == provider_code:
        raise Conflict("该服务订单已由此服务供给主体承接", code="same_provider")
    return order


async def _override_target(code: str, basis: Basis, *, uow: UnitOfWork) -> Provider:
    registered = await providers.by_code(uow.session, code)
    if registered is None or registered.county_code != basis.county_code:
        raise NotFound(
            "未找到该服务供给主体", code="provider_not_found", field="body.provider_code"
        )
    target = providers.for_referral(registered)
    problem = eligible_for_override(await need_of(basis, uow=uow), target)
    if problem is not None:
        raise Unprocessable(problem.label_zh, code=problem.value, field="body.provider_code")
    return target


async def _assign_queued(
    order: Order, target: Provider, note: dict[str, Any], *, uow: UnitOfWork, timing: Timing
) -> Order:
    """Gives a queued order its first provider."""
    basis = Basis.of(order)
    on_offer = await catalogue.items_on(uow.session, basis.county_code, basis.start_date)
    item = on_offer.get(basis.item_code)
    if item is None:
        raise Conflict(UnplacedReason.ITEM_NOT_IN_CATALOGUE.label_zh, code="item_not_in_catalogue")
    changed = await orders.change(
        uow.session,
        order.order_id,
        {
            "status": OrderStatus.ASSIGNED.value,
            "provider_id": target.provider_id,
            "provider_code": target.code,
            "unit": item.unit.value,
            "catalogue_version": item.version,
            "respond_by": clock.now() + timing.order_response,
            **note,
        },
    )
    uow.emit(order_events.created(changed))
    tell_assigned(uow, changed)
    return changed


async def _replace(
    order: Order, target: Provider, note: dict[str, Any], *, uow: UnitOfWork, timing: Timing
) -> Order:
    """Cancels an order at its provider and creates its successor at ``target``."""
    successor = uuid.uuid4()
    notice = Notice(
        OrderAction.CANCEL,
        OrderChangeReason.OFFICER_REQUEST,
        clock.today(),
        note_zh=note["assignment_note_zh"],
        replaced_by=successor,
    )
    ended = {"status": OrderStatus.CANCELLED.value}
    await change_order(order.order_id, ended, notice, uow=uow, timing=timing)
    columns = Basis.of(order).columns() | {
        "unit": order.unit,
        "catalogue_version": order.catalogue_version,
        **note,
    }
    return await assign(
        columns, target, uow=uow, timing=timing, replaces=order.order_id, order_id=successor
    )
