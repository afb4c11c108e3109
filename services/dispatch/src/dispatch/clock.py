"""The time, in one place: instants in UTC, days as Chizhou counts them (Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dispatch.domain.records import SHANGHAI


def now() -> datetime:
    """The current instant (UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()
