"""dispatch's use cases: one module per area, each use case a short coroutine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Timing:
    """The deadlines the use cases set, from the settings."""

    order_response: timedelta
    doorbell_answer: timedelta
    record_clock_skew: timedelta
    change_acknowledgement: timedelta = timedelta(hours=1)
