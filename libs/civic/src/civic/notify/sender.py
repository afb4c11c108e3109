"""The sender: a background job that sends due messages through their county's channel.

Each message is claimed (``FOR UPDATE SKIP LOCKED``) and sent inside its own transaction,
so two replicas never send the same message and a crash mid-send leaves it pending (the
gateway may then see it twice: the reference lets it drop the copy). The lock is held for
one HTTP call, bounded by the client's timeout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from civic import clock
from civic.notify import store
from civic.notify.channels import Attempt, ChannelConfig, Delivery, deliver
from civic.notify.model import Message, Preference
from civic.notify.rules import MessageState, RetryPolicy, Verdict, send_at
from civic.notify.tables import MessageTables
from civic.uow import UnitOfWork

log = logging.getLogger(__name__)

#: How a service reaches a person who set no preference (say, the phone an applicant gave
#: with their application), in the sender's transaction; None: it cannot.
Fallback = Callable[[AsyncSession, Message], Awaitable[Preference | None]]


@dataclass(frozen=True)
class Sender:
    """What sending needs: the tables, the retry policy and where receipts come back."""

    tables: MessageTables
    policy: RetryPolicy
    #: ``{county_code}`` is filled in; None: the gateway is not asked for receipts.
    callback_url: str | None = None
    #: Asked when the person has no preference row.
    fallback: Fallback | None = None


async def send_due(sender: Sender, *, uow: UnitOfWork, client: httpx.AsyncClient) -> int:
    """Sends (or reschedules, or fails) one due message; returns 1, or 0 if none was due."""
    async with uow:
        now = clock.now()
        due = await store.claim_due(uow.session, sender.tables, now, 1)
        if not due:
            return 0
        message = due[0]
        values = await _attempt(sender, uow, client, message, now)
        await store.change(uow.session, sender.tables, message.message_id, values)
        await uow.commit()
        return 1


async def _attempt(
    sender: Sender, uow: UnitOfWork, client: httpx.AsyncClient, message: Message, now: datetime
) -> dict[str, Any]:
    t = sender.tables
    config = await store.channel(uow.session, t, message.county_code)
    if config is None:
        return _failed(message, now, "no channel configured for the county")
    template = config.templates.get(message.purpose)
    if template is None:
        return _failed(message, now, f"no template for {message.purpose}")
    pref = await _preference(sender, uow.session, message)
    if pref is None:
        return _failed(message, now, "no preference (phone or openid) for the person")
    if pref.kind is not config.kind:
        return _failed(
            message, now, f"the person takes {pref.kind}, the county sends {config.kind}"
        )
    wait_until = send_at(now, message.purpose, pref.quiet)
    if wait_until > now:  # quiet hours: not an attempt
        return {"due_at": wait_until}
    outcome = await deliver(client, config, _delivery(sender, message, pref, config, template))
    return _after(sender.policy, message, pref, outcome, now)


async def _preference(sender: Sender, session: AsyncSession, message: Message) -> Preference | None:
    found = await store.preference(session, sender.tables, message.user_id)
    if found is None and sender.fallback is not None:
        return await sender.fallback(session, message)
    return found


def _delivery(
    sender: Sender, message: Message, pref: Preference, config: ChannelConfig, template: str
) -> Delivery:
    callback = sender.callback_url
    url = callback.format(county_code=config.county_code) if callback else None
    return Delivery(message.message_id, pref.address, template, message.params, url)


def _after(
    policy: RetryPolicy, message: Message, pref: Preference, outcome: Attempt, now: datetime
) -> dict[str, Any]:
    attempts = message.attempts + 1
    about = {"message_id": str(message.message_id), "to": pref.masked, "attempt": attempts}
    values: dict[str, Any] = {"attempts": attempts, "kind": pref.kind.value}
    if outcome.verdict is Verdict.SENT:
        log.info("message sent", extra=about)
        state = MessageState.SENT.value
        return values | {"state": state, "sent_at": now, "gateway_ref": outcome.gateway_ref}
    again = policy.after_failure(attempts, now) if outcome.verdict is Verdict.RETRY else None
    log.warning("message not sent: %s", outcome.error, extra=about)
    if again is None:
        return values | _failed(message, now, outcome.error or "refused")
    return values | {"due_at": again, "last_error": outcome.error}


def _failed(message: Message, now: datetime, why: str) -> dict[str, Any]:
    log.error("message failed: %s", why, extra={"message_id": str(message.message_id)})
    return {"state": MessageState.FAILED.value, "failed_at": now, "last_error": why}


async def send_forever(
    sender: Sender,
    *,
    uow_factory: Callable[[], UnitOfWork],
    poll_s: float,
    timeout_s: float,
) -> None:
    """Sends every due message, then waits ``poll_s``; a failed step is logged and retried."""
    async with httpx.AsyncClient(timeout=timeout_s) as client:
        while True:
            try:
                while await send_due(sender, uow=uow_factory(), client=client):
                    pass
            except Exception:
                log.exception("sending messages failed; trying again")
            await asyncio.sleep(poll_s)
