"""Messages that reach people's phones (civic.notify): who dispatch tells, enqueued in the
unit of work of the change that causes them (a doorbell press, an escalation, an
unacknowledged change), sent by jobs/messages.py through the county's channel. Channels,
preferences, the staff list and receipts are civic.notify's (api/messages.py mounts them).

A message names its cause in its dedupe key, so a redelivered event or a second sweep
enqueues nothing new. Its params are what the template needs: a masked name, the village's
name and a short code, never an ID number, a phone, an address or health details.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime

from civic.notify.model import Outgoing
from civic.notify.rules import Purpose
from civic.uow import UnitOfWork
from contracts import divisions
from dispatch.domain.doorbell import Alert, Contact, Doorbell
from dispatch.domain.orders import Order, OrderChange
from dispatch.repository import doorbell, messages, recipients

log = logging.getLogger(__name__)


def _village(code: str) -> str:
    found = divisions.get(code)
    return found.name_zh if found is not None else code


def _to(
    people: Iterable[Contact], cause: str, purpose: Purpose, village: str, params: dict[str, str]
) -> list[Outgoing]:
    where = {"county_code": village[:6], "township_code": village[:9], "purpose": purpose}
    params = {"village": _village(village), **params}
    try:
        return [Outgoing(f"{cause}:{c.user_id}", c.user_id, **where, params=params) for c in people]
    except ValueError:
        # A param the template may not carry must not stop the press or escalation that
        # caused it: the message still goes, with our own short code only.
        log.warning("message params refused for %s; sending the code only", cause)
        code = {"code": params["code"]}
        return [Outgoing(f"{cause}:{c.user_id}", c.user_id, **where, params=code) for c in people]


async def alert_raised(
    uow: UnitOfWork, *, bell: Doorbell, alert_id: uuid.UUID, targets: list[Contact], now: datetime
) -> None:
    """A doorbell alert to everyone the press alerts (quiet hours do not hold it back)."""
    recipient = await recipients.get(uow.session, bell.recipient_id)
    name = recipient.display_name if recipient is not None else ""
    params = {"name": name, "code": alert_id.hex[:6].upper()}
    cause = f"alert:{alert_id}"
    found = _to(targets, cause, Purpose.DOORBELL_ALERT, bell.village_code, params)
    await messages.enqueue(uow.session, found, now=now)


async def alert_escalated(
    uow: UnitOfWork, *, alert: Alert, duty: list[Contact], now: datetime
) -> None:
    """An unanswered alert to the township's duty list (urgent too)."""
    params = {"code": alert.alert_id.hex[:6].upper()}
    cause = f"alert-escalation:{alert.alert_id}"
    found = _to(duty, cause, Purpose.ALERT_ESCALATION, alert.village_code, params)
    await messages.enqueue(uow.session, found, now=now)


async def order_escalated(uow: UnitOfWork, *, order: Order, now: datetime) -> None:
    """An order nobody accepted in time, to the township's contacts (its duty list)."""
    duty = await doorbell.duty(uow.session, order.township_code)
    params = {"name": order.display_name, "code": order.order_id.hex[:8].upper()}
    cause = f"order-escalation:{order.order_id}:{order.version}"
    found = _to(duty, cause, Purpose.ORDER_ESCALATION, order.village_code, params)
    await messages.enqueue(uow.session, found, now=now)


async def change_unacknowledged(
    uow: UnitOfWork, *, order: Order, change: OrderChange, now: datetime
) -> None:
    """A pause, resumption or stop the provider did not acknowledge, to the township."""
    duty = await doorbell.duty(uow.session, order.township_code)
    params = {
        "name": order.display_name,
        "code": order.order_id.hex[:8].upper(),
        "change": change.kind,
    }
    cause = f"change:{change.change_id}"
    found = _to(duty, cause, Purpose.UNACKNOWLEDGED_CHANGE, order.village_code, params)
    await messages.enqueue(uow.session, found, now=now)
