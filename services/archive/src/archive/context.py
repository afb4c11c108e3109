"""What archive's use cases need besides a unit of work: numbering and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from archive.settings import Settings


class NumberSource(Protocol):
    """Where the sequence of a new service number comes from."""

    async def issue(
        self, session: AsyncSession, *, county_code: str, year: int, person: str
    ) -> int:
        """Returns the sequence for a new file, inside the caller's transaction."""
        ...


@dataclass(frozen=True)
class ArchiveContext:
    """Dependencies of the use cases, built once per process (or per replay)."""

    settings: Settings
    numbers: NumberSource
    #: False while replaying: boards are rendered once at the end instead of per event.
    refresh_boards: bool = True
