"""Time-ordered ids (UUID version 7) for the rows settlement creates in volume."""

from __future__ import annotations

import os
import uuid

from civic import clock


def new_line_id() -> uuid.UUID:
    """A UUIDv7: 48 bits of Unix milliseconds, then random bits.

    Ledger lines are only ever appended; ids that grow with time keep the primary-key index
    appending at its right edge instead of touching a random page per insert.
    """
    millis = int(clock.now().timestamp() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a, rand_b = rand >> 68, rand & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)
