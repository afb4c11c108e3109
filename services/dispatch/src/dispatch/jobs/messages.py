"""The message sender (civic.notify): sends due messages through each county's channel."""

from __future__ import annotations

from civic.background import BackgroundJob
from civic.notify import jobs
from dispatch.orm_messages import message_tables
from dispatch.settings import Settings


def message_sender(settings: Settings) -> BackgroundJob:
    """The background job that sends messages, retries them and gives up on them."""
    return jobs.message_sender(settings, message_tables)
