"""The complaints' deadline watcher: a township that does not answer in time hands the
complaint to the county (``complaint.respond_by`` is the deadline; rows are claimed with
``FOR UPDATE SKIP LOCKED``, so replicas never escalate one twice and a restart loses nothing).
Past the county's deadline a complaint stays overdue in the county's queue; nothing moves it."""

from __future__ import annotations

from datetime import timedelta

from civic import clock
from civic.background import BackgroundJob, every
from civic.runtime import Runtime
from dispatch.handlers.complaints import escalate_overdue_complaints
from dispatch.settings import Settings


def complaint_watcher(settings: Settings) -> BackgroundJob:
    """The job that escalates complaints, every ``DEADLINE_POLL_S`` like the order watcher."""
    hour = timedelta(seconds=settings.complaint_sla_hour_s)

    async def watch_complaints(runtime: Runtime) -> None:
        async def sweep() -> int:
            total = 0
            # Batches until nothing overdue is left; each batch is its own transaction.
            while count := await escalate_overdue_complaints(
                uow=runtime.uow(), now=clock.now(), hour=hour
            ):
                total += count
            return total

        await every(
            lambda: settings.deadline_poll_s,
            sweep,
            what="escalating overdue complaints",
            retry_s=max(settings.deadline_poll_s, 1.0),
        )

    return watch_complaints
