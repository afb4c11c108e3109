"""The deadline watcher: a background task that escalates late orders, unacknowledged order
changes and unanswered alerts.

It keeps no state of its own: every deadline is a column (``service_order.respond_by``,
``order_change.acknowledge_by``, ``doorbell_alert.answer_by``), and rows are claimed with
``FOR UPDATE SKIP LOCKED``, so a restart loses nothing and two replicas never escalate the
same thing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from civic import clock
from civic.uow import UnitOfWork
from dispatch.handlers.deadlines import escalate_overdue_orders, escalate_unacknowledged_changes
from dispatch.handlers.doorbell import escalate_unanswered_alerts

log = logging.getLogger(__name__)


class DeadlineWatcher:
    """Looks for overdue work every ``interval_s`` seconds until stopped."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, interval_s: float) -> None:
        self._uow = uow_factory
        self._interval_s = interval_s
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Sweeps until stopped; a failed sweep is logged and retried on the next tick."""
        while not self._stop.is_set():
            try:
                await self.sweep()
            except Exception:
                log.exception("deadline sweep failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self._interval_s)

    async def sweep(self) -> int:
        """Escalates everything overdue now; returns how many escalations it made."""
        done = 0
        sweeps = (
            escalate_overdue_orders,
            escalate_unacknowledged_changes,
            escalate_unanswered_alerts,
        )
        for escalate in sweeps:
            done += await self._drain(escalate)
        return done

    async def _drain(self, escalate: Callable[..., Awaitable[int]]) -> int:
        total = 0
        while True:  # batches until nothing overdue is left
            # The use case opens and commits its own unit of work.
            count = await escalate(uow=self._uow(), now=clock.now())
            total += count
            if count == 0:
                return total

    def stop(self) -> None:
        """Ends the loop after the current sweep."""
        self._stop.set()
