"""Messages to people's phones: what dispatch enqueues, on its message tables
(orm_messages.py). Channels, preferences, the list and receipts are civic.notify's own
use cases on the same tables (civic.notify.handlers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from civic.notify import store
from civic.notify.model import Outgoing
from dispatch.orm_messages import message_tables as t


async def enqueue(session: AsyncSession, messages: list[Outgoing], *, now: datetime) -> int:
    """Adds messages in the caller's transaction (one per cause); returns how many were new."""
    return await store.enqueue(session, t, messages, now=now)
