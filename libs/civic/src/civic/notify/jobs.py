"""The sender as a service's background job, and the settings it reads (``MessageSettings``:
a service's ``Settings`` inherits them, or declares fields of the same names)."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from civic.background import BackgroundJob
from civic.notify.api import RECEIPTS_PATH
from civic.notify.rules import RetryPolicy
from civic.notify.sender import Fallback, Sender, send_forever
from civic.notify.tables import MessageTables
from civic.runtime import Runtime


class SenderSettings(Protocol):
    """What the sender reads from a service's settings."""

    message_poll_s: float
    message_timeout_s: float
    message_max_attempts: int
    message_backoff_s: float
    message_backoff_cap_s: float
    message_callback_base_url: str | None


class MessageSettings(BaseModel):
    """The sender's settings (environment variables ``MESSAGE_*``)."""

    message_poll_s: float = Field(default=2.0, gt=0, description="How often due messages are sent.")
    message_timeout_s: float = Field(default=10.0, gt=0, description="One gateway call at most.")
    message_max_attempts: int = Field(default=5, ge=1, description="Attempts before failed.")
    message_backoff_s: float = Field(default=30.0, gt=0, description="Wait after a 1st failure.")
    message_backoff_cap_s: float = Field(default=3600.0, gt=0, description="Longest wait.")
    message_callback_base_url: str | None = Field(
        default=None, description="The service's public URL the gateways post receipts to."
    )


def sender_of(
    settings: SenderSettings, tables: MessageTables, *, fallback: Fallback | None = None
) -> Sender:
    """The sender the settings describe (receipts come back to ``RECEIPTS_PATH``)."""
    policy = RetryPolicy(
        max_attempts=settings.message_max_attempts,
        base_s=settings.message_backoff_s,
        cap_s=settings.message_backoff_cap_s,
    )
    base = settings.message_callback_base_url
    callback = f"{base.rstrip('/')}{RECEIPTS_PATH}" if base else None
    return Sender(tables, policy, callback, fallback)


def message_sender(
    settings: SenderSettings, tables: MessageTables, *, fallback: Fallback | None = None
) -> BackgroundJob:
    """The background job that sends messages, retries them and gives up on them."""
    sender = sender_of(settings, tables, fallback=fallback)

    async def send_messages(runtime: Runtime) -> None:
        await send_forever(
            sender,
            uow_factory=runtime.uow,
            poll_s=settings.message_poll_s,
            timeout_s=settings.message_timeout_s,
        )

    return send_messages
