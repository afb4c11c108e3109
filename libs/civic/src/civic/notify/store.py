"""The SQL of messages (on a service's ``MessageTables``); secrets and addresses are sealed
here with the service's ring and opened only when a message is sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from civic import sealing
from civic.notify.channels import ChannelConfig
from civic.notify.model import Message, Outgoing, Preference
from civic.notify.rules import ChannelKind, MessageState, QuietHours
from civic.notify.tables import MessageTables


async def put_channel(
    session: AsyncSession, t: MessageTables, config: ChannelConfig, *, by: str, now: datetime
) -> None:
    """Sets (or replaces) a county's channel."""
    secret = sealing.ring().seal(config.secret, purpose=t.secret_purpose, row=config.county_code)
    values = {
        "county_code": config.county_code,
        "kind": config.kind.value,
        "endpoint_url": config.endpoint_url,
        "templates": dict(config.templates),
        "secret": secret,
        "updated_by": by,
        "updated_at": now,
    }
    stmt = pg_insert(t.channel).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k != "county_code"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["county_code"], set_=fields))


async def channel(
    session: AsyncSession, t: MessageTables, county_code: str
) -> ChannelConfig | None:
    """A county's channel, its secret opened."""
    c = t.channel.c
    row = (await session.execute(select(t.channel).where(c.county_code == county_code))).first()
    if row is None:
        return None
    secret = sealing.ring().open(row.secret, purpose=t.secret_purpose, row=county_code)
    kind = ChannelKind(row.kind)
    return ChannelConfig(county_code, kind, row.endpoint_url, dict(row.templates), secret)


async def put_preference(
    session: AsyncSession, t: MessageTables, pref: Preference, *, by: str, now: datetime
) -> None:
    """Sets (or replaces) how one person is reached."""
    address = sealing.ring().seal(pref.address, purpose=t.address_purpose, row=pref.user_id)
    values = {
        "user_id": pref.user_id,
        "division_code": pref.division_code,
        "kind": pref.kind.value,
        "address": address,
        "quiet_start": pref.quiet.start if pref.quiet else None,
        "quiet_end": pref.quiet.end if pref.quiet else None,
        "updated_by": by,
        "updated_at": now,
    }
    stmt = pg_insert(t.preference).values(**values)
    fields = {k: stmt.excluded[k] for k in values if k != "user_id"}
    await session.execute(stmt.on_conflict_do_update(index_elements=["user_id"], set_=fields))


async def preference(session: AsyncSession, t: MessageTables, user_id: str) -> Preference | None:
    """How one person is reached, the address opened."""
    p = t.preference.c
    row = (await session.execute(select(t.preference).where(p.user_id == user_id))).first()
    if row is None:
        return None
    address = sealing.ring().open(row.address, purpose=t.address_purpose, row=user_id)
    quiet = None
    if row.quiet_start is not None and row.quiet_end is not None:
        quiet = QuietHours(row.quiet_start, row.quiet_end)
    return Preference(user_id, row.division_code, ChannelKind(row.kind), address, quiet)


async def enqueue(
    session: AsyncSession, t: MessageTables, messages: list[Outgoing], *, now: datetime
) -> int:
    """Adds messages in the caller's transaction; one already enqueued for the same cause is
    kept as it is. Returns how many were new."""
    rows = [
        {
            "message_id": uuid.uuid4(),
            "dedupe_key": m.dedupe_key,
            "user_id": m.user_id,
            "county_code": m.county_code,
            "township_code": m.township_code,
            "purpose": str(m.purpose),
            "params": dict(m.params),
            "state": MessageState.PENDING.value,
            "due_at": now,
        }
        for m in messages
    ]
    if not rows:
        return 0
    stmt = pg_insert(t.message).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    done = await session.execute(stmt.returning(t.message.c.message_id))
    return len(done.all())


async def claim_due(
    session: AsyncSession, t: MessageTables, now: datetime, limit: int
) -> list[Message]:
    """Pending messages due now, locked (skipping those another sender holds)."""
    m = t.message.c
    stmt = (
        select(t.message)
        .where(m.state == MessageState.PENDING.value, m.due_at <= now)
        .order_by(m.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [_message(row) for row in (await session.execute(stmt)).mappings()]


async def change(
    session: AsyncSession, t: MessageTables, message_id: uuid.UUID, values: dict[str, Any]
) -> None:
    """Changes a message's state columns."""
    m = t.message.c
    await session.execute(update(t.message).where(m.message_id == message_id).values(**values))


async def page(
    session: AsyncSession,
    t: MessageTables,
    *,
    within: str,
    state: str | None,
    page_no: int,
    size: int,
) -> tuple[list[Message], int]:
    """Messages of townships inside ``within`` (newest first), and how many there are."""
    m = t.message.c
    where: list[ColumnElement[bool]] = [m.township_code.startswith(within)]
    if state is not None:
        where.append(m.state == state)
    total = (
        await session.execute(select(func.count()).select_from(t.message).where(*where))
    ).scalar_one()
    stmt = (
        select(t.message)
        .where(*where)
        .order_by(m.created_at.desc(), m.message_id)
        .offset((page_no - 1) * size)
        .limit(size)
    )
    return [_message(row) for row in (await session.execute(stmt)).mappings()], total


async def record_receipt(
    session: AsyncSession,
    t: MessageTables,
    *,
    county_code: str,
    message_id: uuid.UUID,
    delivered: bool,
    at: datetime,
) -> bool:
    """Closes a message of that county with its receipt; False if there is no such message.

    The row is locked first: a receipt can arrive while the sender's transaction that
    marks the message sent is still open, and must wait for it rather than miss the row.
    A receipt also closes a message still pending or failed (the gateway took it although
    the answer was lost): it is not sent again."""
    m = t.message.c
    state = MessageState.DELIVERED if delivered else MessageState.UNDELIVERABLE
    mine = (m.message_id == message_id, m.county_code == county_code)
    held = await session.scalar(select(m.state).where(*mine).with_for_update())
    closed = {MessageState.DELIVERED.value, MessageState.UNDELIVERABLE.value} - {state.value}
    if held is None:
        return False
    if held in closed:  # a second, contrary receipt is taken and changes nothing
        return True
    values = {"state": state.value, "receipt_at": at}
    await session.execute(update(t.message).where(*mine).values(**values))
    return True


async def state_counts(session: AsyncSession, t: MessageTables) -> dict[str, int]:
    """How many messages are in each state."""
    m = t.message.c
    rows = await session.execute(select(m.state, func.count()).group_by(m.state))
    return {str(row[0]): int(row[1]) for row in rows.all()}


def _message(row: Any) -> Message:
    values = {k: row[k] for k in Message.__dataclass_fields__}
    return Message(**values)
