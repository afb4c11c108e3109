"""The use cases of messages that are the same in every service that sends them: a county's
channel, a person's preference, the staff list of messages, the gateway's receipts.

Each takes the service's ``MessageTables``; what a service's own changes enqueue (who is told
of a doorbell press, whose decision it is) stays in that service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from civic.errors import NotFound, Unauthorized, Unprocessable
from civic.notify import store
from civic.notify.channels import ChannelConfig, verify
from civic.notify.model import Message, Preference
from civic.notify.tables import MessageTables
from civic.security import Principal, ensure_jurisdiction
from civic.uow import UnitOfWork


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
    config: ChannelConfig,
    *,
    tables: MessageTables,
    officer: Principal,
    uow: UnitOfWork,
    now: datetime,
) -> ChannelView:
    """Sets a county's channel; a blank secret keeps the one already set."""
    ensure_jurisdiction(officer, config.county_code)
    async with uow:
        if not config.secret:
            held = await store.channel(uow.session, tables, config.county_code)
            if held is None:
                raise Unprocessable(
                    "首次配置须提供通道密钥", code="secret_required", field="secret"
                )
            config = replace(config, secret=held.secret)
        await store.put_channel(uow.session, tables, config, by=officer.user_id, now=now)
        await uow.commit()
        return _view(config)


async def read_channel(
    *, county_code: str, tables: MessageTables, officer: Principal, uow: UnitOfWork
) -> ChannelView:
    """A county's channel (its secret is never shown)."""
    ensure_jurisdiction(officer, county_code)
    async with uow:
        config = await store.channel(uow.session, tables, county_code)
        if config is None:
            raise NotFound("该县(区)尚未配置消息通道", code="channel_not_configured")
        return _view(config)


def _may_set(who: Principal, user_id: str, division_code: str) -> None:
    # Anyone may say how they are reached; staff may for the people of their divisions.
    if who.user_id != user_id:
        ensure_jurisdiction(who, division_code)


async def set_preference(
    pref: Preference, *, tables: MessageTables, who: Principal, uow: UnitOfWork, now: datetime
) -> Preference:
    """Sets how one person is reached and their quiet hours."""
    _may_set(who, pref.user_id, pref.division_code)
    async with uow:
        held = await store.preference(uow.session, tables, pref.user_id)
        if held is not None:
            _may_set(who, pref.user_id, held.division_code)  # nobody takes another's over
        await store.put_preference(uow.session, tables, pref, by=who.user_id, now=now)
        await uow.commit()
        return pref


async def read_preference(
    *, user_id: str, tables: MessageTables, who: Principal, uow: UnitOfWork
) -> Preference:
    """How one person is reached (the route never shows the address)."""
    async with uow:
        pref = await store.preference(uow.session, tables, user_id)
        if pref is None:
            raise NotFound("未设置消息接收方式", code="preference_not_found")
        _may_set(who, user_id, pref.division_code)
        return pref


async def list_messages(
    *,
    within: str,
    state: str | None,
    page: int,
    size: int,
    tables: MessageTables,
    who: Principal,
    uow: UnitOfWork,
) -> tuple[list[Message], int]:
    """Messages of the townships inside ``within`` (failed ones are what staff act on)."""
    ensure_jurisdiction(who, within)
    async with uow:
        return await store.page(
            uow.session, tables, within=within, state=state, page_no=page, size=size
        )


@dataclass(frozen=True)
class Receipt:
    """A gateway's delivery receipt, with the raw body and signature it came with."""

    county_code: str
    message_id: uuid.UUID
    delivered: bool
    at: datetime
    body: bytes
    signature: str | None


async def take_receipt(receipt: Receipt, *, tables: MessageTables, uow: UnitOfWork) -> None:
    """Records a delivery receipt signed with the county channel's secret."""
    async with uow:
        config = await store.channel(uow.session, tables, receipt.county_code)
        if config is None or not verify(config.secret, receipt.body, receipt.signature):
            raise Unauthorized("回执签名无效", code="bad_receipt_signature")
        closed = await store.record_receipt(
            uow.session,
            tables,
            county_code=receipt.county_code,
            message_id=receipt.message_id,
            delivered=receipt.delivered,
            at=receipt.at,
        )
        if not closed:
            raise NotFound("未找到该条消息", code="message_not_found")
        await uow.commit()
