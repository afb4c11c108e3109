"""What officers and providers may read: each read is scoped to the caller."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import RowMapping

from civic.errors import NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from dispatch.domain.orders import OrderStatus
from dispatch.handlers.replies import own_order
from dispatch.orm import service_order
from dispatch.repository import changes, orders, recipients, services

o = service_order.c


async def officer_order(*, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork) -> RowMapping:
    """One order inside the officer's jurisdiction."""
    order = await orders.get(uow.session, order_id)
    if order is None:
        raise NotFound("未找到该服务订单", code="order_not_found")
    ensure_jurisdiction(officer, order["village_code"])
    return order


async def township_orders(
    *,
    township_code: str,
    status: OrderStatus | None,
    queue_only: bool,
    officer: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
) -> tuple[Sequence[RowMapping], int]:
    """A township's orders, or its queue (unplaced and unanswered orders)."""
    ensure_jurisdiction(officer, township_code)
    where = orders.in_queue(township_code) if queue_only else [o.township_code == township_code]
    if status is not None:
        where.append(o.status == status.value)
    return await orders.listed(uow.session, where=where, page=page, size=size)


async def provider_orders(
    *, provider_code: str, status: OrderStatus | None, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[RowMapping], int]:
    """The provider's own orders, and nobody else's."""
    where = [o.provider_code == provider_code]
    if status is not None:
        where.append(o.status == status.value)
    return await orders.listed(uow.session, where=where, page=page, size=size)


async def provider_order(*, order_id: uuid.UUID, provider_code: str, uow: UnitOfWork) -> RowMapping:
    """One of the provider's own orders."""
    return await own_order(uow, order_id, provider_code)


async def order_plans(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[RowMapping]:
    """The plans covering an order, for the township."""
    await officer_order(order_id=order_id, officer=officer, uow=uow)
    return await services.plans_for_order(uow.session, order_id)


async def order_records(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[RowMapping]:
    """The service records reported under an order, for the township."""
    await officer_order(order_id=order_id, officer=officer, uow=uow)
    return await services.records_of_order(uow.session, order_id)


async def order_changes(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[RowMapping]:
    """The order's changes and their acknowledgements, for the township."""
    await officer_order(order_id=order_id, officer=officer, uow=uow)
    return await changes.of_order(uow.session, order_id)


async def contact_reads(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[RowMapping]:
    """Who read the recipient's contact details through an order."""
    await officer_order(order_id=order_id, officer=officer, uow=uow)
    return await recipients.accesses(uow.session, order_id)
