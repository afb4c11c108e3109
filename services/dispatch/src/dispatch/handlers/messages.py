"""Messages that reach people's phones (civic.notify): enqueued in the unit of work of the
change that causes them (a doorbell press, an escalation, an unacknowledged change), sent
by jobs/messages.py through the county's channel; channels, preferences, the staff list of
messages and the gateway's delivery receipts.

A message names its cause in its dedupe key, so a redelivered event or a second sweep
enqueues nothing new. Its params are what the template needs: a masked name, the village's
name and a short code, never an ID number, a phone, an address or health details.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from civic.errors import NotFound, Unauthorized, Unprocessable
from civic.notify.channels import ChannelConfig, verify
from civic.notify.model import Message, Outgoing, Preference
from civic.notify.rules import Purpose
from civic.security import Principal, ensure_jurisdiction
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


@dataclass(frozen=True)
class ChannelView:
    """A county's channel as staff see it: never its secret."""

    county_code: str
    kind: str
    endpoint_url: str
    templates: dict[str, str]
    secret_set: bool


def _view(config: ChannelConfig) -> ChannelView:
    kind, templates = config.kind.value, dict(config.templates)
    return ChannelView(config.county_code, kind, config.endpoint_url, templates, True)


async def configure_channel(
    config: ChannelConfig, *, officer: Principal, uow: UnitOfWork, now: datetime
) -> ChannelView:
    """Sets a county's channel; a blank secret keeps the one already set."""
    ensure_jurisdiction(officer, config.county_code)
    async with uow:
        if not config.secret:
            held = await messages.channel(uow.session, config.county_code)
            if held is None:
                raise Unprocessable(
                    "首次配置须提供通道密钥", code="secret_required", field="secret"
                )
            config = replace(config, secret=held.secret)
        await messages.put_channel(uow.session, config, by=officer.user_id, now=now)
        await uow.commit()
        return _view(config)


async def read_channel(*, county_code: str, officer: Principal, uow: UnitOfWork) -> ChannelView:
    """A county's channel (its secret is never shown)."""
    ensure_jurisdiction(officer, county_code)
    async with uow:
        config = await messages.channel(uow.session, county_code)
        if config is None:
            raise NotFound("该县(区)尚未配置消息通道", code="channel_not_configured")
        return _view(config)


def _may_set(who: Principal, user_id: str, division_code: str) -> None:
    # Anyone may say how they are reached; staff may for the people of their divisions.
    if who.user_id != user_id:
        ensure_jurisdiction(who, division_code)


async def set_preference(
    pref: Preference, *, who: Principal, uow: UnitOfWork, now: datetime
) -> Preference:
    """Sets how one person is reached and their quiet hours."""
    _may_set(who, pref.user_id, pref.division_code)
    async with uow:
        held = await messages.preference(uow.session, pref.user_id)
        if held is not None:
            _may_set(who, pref.user_id, held.division_code)  # nobody takes another's over
        await messages.put_preference(uow.session, pref, by=who.user_id, now=now)
        await uow.commit()
        return pref


async def read_preference(*, user_id: str, who: Principal, uow: UnitOfWork) -> Preference:
    """How one person is reached (the route shows the address masked)."""
    async with uow:
        pref = await messages.preference(uow.session, user_id)
        if pref is None:
            raise NotFound("未设置消息接收方式", code="preference_not_found")
        _may_set(who, user_id, pref.division_code)
        return pref


async def list_messages(
    *, within: str, state: str | None, page: int, size: int, who: Principal, uow: UnitOfWork
) -> tuple[list[Message], int]:
    """Messages of the townships inside ``within`` (failed ones are what staff act on)."""
    ensure_jurisdiction(who, within)
    async with uow:
        return await messages.page(uow.session, within=within, state=state, page_no=page, size=size)


@dataclass(frozen=True)
class Receipt:
    """A gateway's delivery receipt, with the raw body and signature it came with."""

    county_code: str
    message_id: uuid.UUID
    delivered: bool
    at: datetime
    body: bytes
    signature: str | None


async def take_receipt(receipt: Receipt, *, uow: UnitOfWork) -> None:
    """Records a delivery receipt signed with the county channel's secret."""
    async with uow:
        config = await messages.channel(uow.session, receipt.county_code)
        if config is None or not verify(config.secret, receipt.body, receipt.signature):
            raise Unauthorized("回执签名无效", code="bad_receipt_signature")
        closed = await messages.record_receipt(
            uow.session,
            county_code=receipt.county_code,
            message_id=receipt.message_id,
            delivered=receipt.delivered,
            at=receipt.at,
        )
        if not closed:
            raise NotFound("未找到该条消息", code="message_not_found")
        await uow.commit()
