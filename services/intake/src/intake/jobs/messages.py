"""The message sender (civic.notify): sends applicants' decisions through each county's
channel, to their preference or else to the phone they gave with the application."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from civic.background import BackgroundJob
from civic.notify import jobs
from civic.notify.model import Message, Preference
from civic.notify.rules import QuietHours
from intake.orm import message_tables
from intake.repository import messages
from intake.settings import Settings


def message_sender(settings: Settings) -> BackgroundJob:
    """The background job that sends messages, retries them and gives up on them."""
    start, end = settings.message_quiet_start, settings.message_quiet_end
    quiet = QuietHours(start, end) if start is not None and end is not None else None

    async def applicant(session: AsyncSession, message: Message) -> Preference | None:
        return await messages.applicant_preference(session, message, quiet=quiet)

    return jobs.message_sender(settings, message_tables, fallback=applicant)
