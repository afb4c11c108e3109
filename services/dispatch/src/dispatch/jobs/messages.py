"""The message sender (civic.notify): sends due messages through each county's channel."""

from __future__ import annotations

from civic.background import BackgroundJob
from civic.notify.rules import RetryPolicy
from civic.notify.sender import Sender, send_forever
from civic.runtime import Runtime
from dispatch.orm_messages import message_tables
from dispatch.settings import Settings


def message_sender(settings: Settings) -> BackgroundJob:
    """The background job that sends messages, retries them and gives up on them."""
    policy = RetryPolicy(
        max_attempts=settings.message_max_attempts,
        base_s=settings.message_backoff_s,
        cap_s=settings.message_backoff_cap_s,
    )
    base = settings.message_callback_base_url
    callback = f"{base.rstrip('/')}/messages/receipts/{{county_code}}" if base else None
    sender = Sender(message_tables, policy, callback)

    async def send_messages(runtime: Runtime) -> None:
        await send_forever(
            sender,
            uow_factory=runtime.uow,
            poll_s=settings.message_poll_s,
            timeout_s=settings.message_timeout_s,
        )

    return send_messages
