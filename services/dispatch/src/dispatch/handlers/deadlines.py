"""Orders nobody answered in time go to the township queue (deadlines live in the DB)."""

from __future__ import annotations

from datetime import datetime

from civic.uow import UnitOfWork
from contracts.reasons import EscalationKind
from dispatch import order_events
from dispatch.repository import orders

BATCH = 100


async def escalate_overdue_orders(*, uow: UnitOfWork, now: datetime) -> int:
    """Escalates assigned orders past their answer deadline; returns how many."""
    overdue = await orders.overdue(uow.session, now, BATCH)
    kind = EscalationKind.NOT_ACCEPTED_IN_TIME
    for order in overdue:
        changed = await orders.change(
            uow.session, order["order_id"], {"escalated_at": now, "escalation_kind": kind.value}
        )
        uow.emit(order_events.escalated(changed, kind))
    await uow.commit()
    return len(overdue)
