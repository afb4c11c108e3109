"""The county's spot-check sample (抽查, at least 30% of the year's services).

Stratified by township, provider and item: every stratum is topped up to
``ceil(rate × its size)`` checked records, so the whole county, every provider and every
township reach the rate too (a sum of ceilings is at least the ceiling of the sum).
Within a stratum the records with the smallest ``md5(seed:record_id)`` are drawn: the
same seed and the same records always give the same sample, and the database computes
the very same order (``md5`` in PostgreSQL), so this module is the specification of the
SQL that draws in production.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

#: At least 30% of the year's services (seed 三(五)1).
MIN_RATE_BASIS_POINTS = 3000

Stratum = tuple[str, str, str]  # township code, provider id, item code


@dataclass(frozen=True)
class Candidate:
    """A service record of the year, its stratum, and whether it was already drawn."""

    record_id: uuid.UUID
    stratum: Stratum
    sampled: bool = False


def rank(seed: str, record_id: uuid.UUID) -> str:
    """The record's place in the draw: md5 of ``seed:record_id`` (as PostgreSQL computes it)."""
    return hashlib.md5(f"{seed}:{record_id}".encode(), usedforsecurity=False).hexdigest()


def quota(size: int, rate_bp: int) -> int:
    """How many of ``size`` records must be checked: ceil(size × rate)."""
    return (size * rate_bp + 9_999) // 10_000


def draw(candidates: Iterable[Candidate], *, seed: str, rate_bp: int) -> list[uuid.UUID]:
    """The records to add to the sample so every stratum reaches the rate."""
    strata: dict[Stratum, list[Candidate]] = defaultdict(list)
    for c in candidates:
        strata[c.stratum].append(c)
    chosen: list[uuid.UUID] = []
    for members in strata.values():
        have = sum(1 for c in members if c.sampled)
        need = quota(len(members), rate_bp) - have
        if need <= 0:
            continue
        fresh = sorted(
            (c for c in members if not c.sampled),
            key=lambda c: (rank(seed, c.record_id), str(c.record_id)),
        )
        chosen.extend(c.record_id for c in fresh[:need])
    return sorted(chosen, key=str)
