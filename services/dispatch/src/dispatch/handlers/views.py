"""What officers and providers may read: each read is scoped to the caller."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from civic.audit import saw
from civic.errors import NotFound, Unprocessable
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from contracts import divisions
from dispatch.domain.doorbell import AlertState, ListedAlert
from dispatch.domain.neighbours import RegisteredHelper
from dispatch.domain.orders import Order, OrderChange, OrderStatus, PendingChange
from dispatch.domain.recipients import ContactAccess
from dispatch.domain.records import PlannedForOrder, ReportedRecord
from dispatch.handlers.replies import own_order
from dispatch.repository import changes, doorbell, neighbours, orders, recipients, services


async def officer_order(*, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork) -> Order:
    """One order inside the officer's jurisdiction."""
    async with uow:
        return await _officer_order(uow, order_id, officer)


async def township_orders(
    *,
    township_code: str,
    status: OrderStatus | None,
    queue_only: bool,
    officer: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
    recipient_id: uuid.UUID | None = None,
) -> tuple[Sequence[Order], int]:
    """A township's orders (one recipient's, if given), or its queue (unplaced, unanswered)."""
    ensure_jurisdiction(officer, township_code)
    async with uow:
        return await orders.of_township(
            uow.session,
            township_code,
            status=status,
            queue_only=queue_only,
            recipient_id=recipient_id,
            page=page,
            size=size,
        )


async def township_pending_changes(
    *, township_code: str, officer: Principal, uow: UnitOfWork, page: int, size: int
) -> tuple[list[PendingChange], int]:
    """The township's order changes their providers have not acknowledged, oldest first."""
    _check_township(township_code, officer)
    async with uow:
        found, total = await changes.pending_of_township(
            uow.session, township_code, page=page, size=size
        )
    saw(*(pending.person_id for pending in found))  # the answer names orders, not people
    return found, total


async def township_alerts(
    *,
    township_code: str,
    state: AlertState | None,
    officer: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
) -> tuple[list[ListedAlert], int]:
    """The love-doorbell alerts of the township's villages, newest first."""
    _check_township(township_code, officer)
    villages = [village.code for village in divisions.children(township_code)]
    async with uow:
        found, total = await doorbell.of_villages(
            uow.session, villages, state=state, page=page, size=size
        )
    saw(*(listed.alert.person_id for listed in found))
    return found, total


async def township_helpers(
    *,
    township_code: str,
    village_code: str | None,
    officer: Principal,
    uow: UnitOfWork,
    page: int,
    size: int,
) -> tuple[list[RegisteredHelper], int]:
    """The trained neighbours of the township's villages (or of one of them), by village."""
    _check_township(township_code, officer)
    villages = [village.code for village in divisions.children(township_code)]
    if village_code is not None:
        if village_code not in villages:
            raise Unprocessable(
                "该村(社区)不属于本乡镇(街道)",
                code="village_not_in_township",
                field="query.village_code",
            )
        villages = [village_code]
    async with uow:
        return await neighbours.of_villages(uow.session, villages, page=page, size=size)


async def provider_orders(
    *, provider_code: str, status: OrderStatus | None, uow: UnitOfWork, page: int, size: int
) -> tuple[Sequence[Order], int]:
    """The provider's own orders, and nobody else's."""
    async with uow:
        return await orders.of_provider(
            uow.session, provider_code, status=status, page=page, size=size
        )


async def provider_order(*, order_id: uuid.UUID, provider_code: str, uow: UnitOfWork) -> Order:
    """One of the provider's own orders."""
    async with uow:
        return await own_order(uow, order_id, provider_code)


async def order_plans(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[PlannedForOrder]:
    """The plans covering an order, for the township."""
    async with uow:
        await _officer_order(uow, order_id, officer)
        return await services.plans_for_order(uow.session, order_id)


async def order_records(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[ReportedRecord]:
    """The service records reported under an order, for the township."""
    async with uow:
        await _officer_order(uow, order_id, officer)
        return await services.records_of_order(uow.session, order_id)


async def order_changes(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[OrderChange]:
    """The order's changes and their acknowledgements, for the township."""
    async with uow:
        await _officer_order(uow, order_id, officer)
        return await changes.of_order(uow.session, order_id)


async def contact_reads(
    *, order_id: uuid.UUID, officer: Principal, uow: UnitOfWork
) -> list[ContactAccess]:
    """Who read the recipient's contact details through an order."""
    async with uow:
        await _officer_order(uow, order_id, officer)
        return await recipients.accesses(uow.session, order_id)


async def _officer_order(uow: UnitOfWork, order_id: uuid.UUID, officer: Principal) -> Order:
    order = await orders.get(uow.session, order_id)
    if order is None:
        raise NotFound("未找到该服务订单", code="order_not_found")
    ensure_jurisdiction(officer, order.village_code)
    # Plans, records, changes and contact reads name only the order: the audit names its person.
    saw(order.person_id)
    return order


def _check_township(township_code: str, officer: Principal) -> None:
    """A known township inside the officer's jurisdiction (a county's code is no township)."""
    known = divisions.get(township_code)
    if known is None or len(township_code) != 9:
        raise NotFound("未找到该乡镇(街道)", code="township_not_found")
    ensure_jurisdiction(officer, township_code)
