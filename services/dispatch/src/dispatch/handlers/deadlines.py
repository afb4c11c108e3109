"""What nobody answered in time goes to the township queue (deadlines live in the DB):
orders not accepted or declined, and order changes the provider did not acknowledge."""

from __future__ import annotations

from datetime import datetime

from civic.uow import UnitOfWork
from contracts.reasons import EscalationKind
from dispatch.adapters import order_events
from dispatch.handlers import messages
from dispatch.repository import changes, orders

BATCH = 100


async def escalate_overdue_orders(*, uow: UnitOfWork, now: datetime) -> int:
    """Escalates assigned orders past their answer deadline; returns how many."""
    async with uow:
        overdue = await orders.overdue(uow.session, now, BATCH)
        kind = EscalationKind.NOT_ACCEPTED_IN_TIME
        for order in overdue:
            changed = await orders.change(
                uow.session, order.order_id, {"escalated_at": now, "escalation_kind": kind.value}
            )
            uow.emit(order_events.escalated(changed, kind))
            await messages.order_escalated(uow, order=changed, now=now)
        await uow.commit()
        return len(overdue)


async def escalate_unacknowledged_changes(*, uow: UnitOfWork, now: datetime) -> int:
    """Escalates order changes no acknowledgement answered by their deadline; returns how many."""
    async with uow:
        overdue = await changes.overdue(uow.session, now, BATCH)
        kind = EscalationKind.CHANGE_NOT_ACKNOWLEDGED
        for change in overdue:
            await changes.mark_escalated(uow.session, change.change_id, now)
            order = await orders.change(uow.session, change.order_id, {})
            uow.emit(order_events.escalated(order, kind, unanswered=change))
            await messages.change_unacknowledged(uow, order=order, change=change, now=now)
        await uow.commit()
        return len(overdue)
