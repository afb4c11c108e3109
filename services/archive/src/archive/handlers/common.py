"""Small helpers shared by archive's use cases."""

from __future__ import annotations

from typing import Final

from civic.uow import UnitOfWork
from contracts.bigdata import ServiceName
from contracts.envelope import Event

SERVICE: Final[ServiceName] = "archive"


def announce(uow: UnitOfWork, event: Event) -> None:
    """Emits one of archive's own events (the unit of work adds its big-data mirror)."""
    uow.emit(event)
