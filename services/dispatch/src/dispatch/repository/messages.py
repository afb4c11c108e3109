"""Messages to people's phones: civic.notify's SQL on dispatch's message tables
(orm_messages.py); the channel's secret and a person's address are sealed there."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from civic.notify import store
from civic.notify.channels import ChannelConfig
from civic.notify.model import Message, Outgoing, Preference
from dispatch.orm_messages import message_tables as t


async def enqueue(session: AsyncSession, messages: list[Outgoing], *, now: datetime) -> int:
    """Adds messages in the caller's transaction (one per cause); returns how many were new."""
    return await store.enqueue(session, t, messages, now=now)


async def put_channel(
    session: AsyncSession, config: ChannelConfig, *, by: str, now: datetime
) -> None:
    """Sets a county's channel."""
    await store.put_channel(session, t, config, by=by, now=now)


async def channel(session: AsyncSession, county_code: str) -> ChannelConfig | None:
    """A county's channel, its secret opened."""
    return await store.channel(session, t, county_code)


async def put_preference(
    session: AsyncSession, pref: Preference, *, by: str, now: datetime
) -> None:
    """Sets how one person is reached."""
    await store.put_preference(session, t, pref, by=by, now=now)


async def preference(session: AsyncSession, user_id: str) -> Preference | None:
    """How one person is reached."""
    return await store.preference(session, t, user_id)


async def page(
    session: AsyncSession, *, within: str, state: str | None, page_no: int, size: int
) -> tuple[list[Message], int]:
    """One page of the messages of townships inside ``within``."""
    return await store.page(session, t, within=within, state=state, page_no=page_no, size=size)


async def state_counts(session: AsyncSession) -> dict[str, int]:
    """How many messages are in each state (for the metrics)."""
    return await store.state_counts(session, t)


async def record_receipt(
    session: AsyncSession, *, county_code: str, message_id: uuid.UUID, delivered: bool, at: datetime
) -> bool:
    """Closes a sent message with the gateway's receipt."""
    return await store.record_receipt(
        session, t, county_code=county_code, message_id=message_id, delivered=delivered, at=at
    )
