"""Ring-fenced funds: the 1% cap on social-assistance work/special funds (seed 三(四)3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from contracts.enums import FundingSource

CAPPED_SOURCE = FundingSource.ASSISTANCE_WORK_SPECIAL
#: The cap, in basis points of the locality's total social-assistance funds (1% = 100 bp).
CAP_BASIS_POINTS = 100


def cap_fen(assistance_total_fen: int) -> int:
    """The most the capped source may pay for services, rounded down to whole fen."""
    return assistance_total_fen * CAP_BASIS_POINTS // 10_000


@dataclass(frozen=True)
class CapCheck:
    """The figures of a 1% cap check, shown to the officer when it refuses."""

    locality_code: str
    year: int
    assistance_total_fen: int | None
    cap_fen: int | None
    used_fen: int
    statement_fen: int

    @property
    def would_be_fen(self) -> int:
        """What the capped source would have paid with this statement confirmed."""
        return self.used_fen + self.statement_fen

    @property
    def over_by_fen(self) -> int:
        """How far past the cap this statement would go (0 when within it)."""
        if self.cap_fen is None:
            return self.would_be_fen
        return max(0, self.would_be_fen - self.cap_fen)

    @property
    def allowed(self) -> bool:
        """True when confirming keeps the capped source within 1%."""
        if self.statement_fen <= 0:
            return True  # a statement that pays nothing (or refunds) from it cannot break the cap
        return self.cap_fen is not None and self.would_be_fen <= self.cap_fen

    def figures(self) -> dict[str, Any]:
        """The figures as plain data, for the problem document."""
        data = asdict(self)
        data.update(
            funding_source=CAPPED_SOURCE.value,
            funding_source_zh=CAPPED_SOURCE.label_zh,
            would_be_fen=self.would_be_fen,
            over_by_fen=self.over_by_fen,
        )
        return data


def check_cap(
    *,
    locality_code: str,
    year: int,
    assistance_total_fen: int | None,
    used_fen: int,
    statement_fen: int,
) -> CapCheck:
    """Checks whether one more statement keeps the capped source within 1% of the total."""
    return CapCheck(
        locality_code=locality_code,
        year=year,
        assistance_total_fen=assistance_total_fen,
        cap_fen=None if assistance_total_fen is None else cap_fen(assistance_total_fen),
        used_fen=used_fen,
        statement_fen=statement_fen,
    )
