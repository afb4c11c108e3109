"""Where service-number sequences come from: the live counter, or the numbers on record."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from archive.domain.numbers import ServiceNumber
from archive.repository.files import allocate_sequence, reserve_up_to


class CounterNumbers:
    """Issues the next number of a county and year from its counter row (live service)."""

    async def issue(
        self, session: AsyncSession, *, county_code: str, year: int, person: str
    ) -> int:
        """Takes the next sequence; a rolled-back transaction gives it back (no gaps)."""
        return await allocate_sequence(session, county_code=county_code, year=year)


class RecordedNumbers:
    """Reissues the numbers archive already published in FileOpened (rebuilds)."""

    def __init__(self, recorded: Mapping[str, ServiceNumber]) -> None:
        self._recorded = dict(recorded)

    def __len__(self) -> int:
        return len(self._recorded)

    async def prime(self, session: AsyncSession) -> None:
        """Moves every counter past the numbers on record, so new files never reuse one."""
        highest: dict[tuple[str, int], int] = {}
        for n in self._recorded.values():
            key = (n.county_code, n.year)
            highest[key] = max(highest.get(key, 0), n.sequence)
        for (county_code, year), value in sorted(highest.items()):
            await reserve_up_to(session, county_code=county_code, year=year, value=value)

    async def issue(
        self, session: AsyncSession, *, county_code: str, year: int, person: str
    ) -> int:
        """The number on record for the person, else the next one of the counter."""
        known = self._recorded.get(person)
        if known is not None and (known.county_code, known.year) == (county_code, year):
            return known.sequence
        return await allocate_sequence(session, county_code=county_code, year=year)
