"""Recipients' contact details: recorded by village and township staff, read by the provider
of an open order through dispatch only (never on Kafka), each read logged."""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict

from civic.errors import Conflict, NotFound
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork
from dispatch.domain.orders import OPEN_STATUSES, Order, OrderStatus
from dispatch.domain.recipients import RecipientContact
from dispatch.handlers.replies import own_order
from dispatch.repository import recipients

log = logging.getLogger(__name__)


async def record_contact(
    contact: RecipientContact, *, recipient_id: uuid.UUID, staff: Principal, uow: UnitOfWork
) -> None:
    """Records (or replaces) how the provider reaches the recipient."""
    async with uow:
        recipient = await recipients.get(uow.session, recipient_id)
        if recipient is None:
            raise NotFound("未找到该服务对象", code="recipient_not_found")
        ensure_jurisdiction(staff, recipient.village_code)
        values = asdict(contact) | {"recipient_id": recipient_id, "updated_by": staff.user_id}
        await recipients.set_contact(uow.session, values)
        await uow.commit()


async def read_contact(
    *, order_id: uuid.UUID, provider: Principal, uow: UnitOfWork
) -> tuple[Order, RecipientContact]:
    """The contact details behind one of the provider's open orders; the read is logged."""
    async with uow:
        return await _read_contact(order_id, provider, uow)


async def _read_contact(
    order_id: uuid.UUID, provider: Principal, uow: UnitOfWork
) -> tuple[Order, RecipientContact]:
    order = await own_order(uow, order_id, provider.provider_code or "")
    if OrderStatus(order.status) not in OPEN_STATUSES:
        raise Conflict("服务订单已结束，不能查看联系方式", code="order_closed")
    contact = await recipients.contact(uow.session, order.recipient_id)
    if contact is None:
        raise NotFound("乡镇(村)尚未登记该服务对象的联系方式", code="contact_not_recorded")
    await recipients.log_access(
        uow.session,
        order_id=order_id,
        recipient_id=order.recipient_id,
        provider_code=provider.provider_code or "",
        user_id=provider.user_id,
    )
    await uow.commit()
    log.info(
        "contact details read",
        extra={"order_id": str(order_id), "provider_code": order.provider_code},
    )
    return order, contact
