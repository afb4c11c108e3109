"""Spot-check sampling (hypothesis): at least 30% per county, provider and stratum; seeded."""

from __future__ import annotations

import random
import uuid
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from settlement.domain.sampling import MIN_RATE_BASIS_POINTS, Candidate, draw, quota

pytestmark = pytest.mark.unit

TOWNSHIPS = ["341702100", "341702101", "341702102"]
PROVIDERS = [str(uuid.UUID(int=n)) for n in range(1, 5)]
ITEMS = ["LC-01", "CL-01", "HC-01", "CB-01"]


@st.composite
def populations(draw_: st.DrawFn) -> list[Candidate]:
    size = draw_(st.integers(min_value=1, max_value=400))
    rnd = random.Random(draw_(st.integers(0, 2**32)))
    return [
        Candidate(
            uuid.UUID(int=rnd.getrandbits(128)),
            (rnd.choice(TOWNSHIPS), rnd.choice(PROVIDERS), rnd.choice(ITEMS)),
        )
        for _ in range(size)
    ]


def shares_ok(population: list[Candidate], chosen: set[uuid.UUID], key: int | None) -> bool:
    group = (lambda c: "all") if key is None else (lambda c: c.stratum[key])
    size, got = (
        Counter(group(c) for c in population),
        Counter(group(c) for c in population if c.record_id in chosen),
    )
    return all(got[k] * 10_000 >= n * MIN_RATE_BASIS_POINTS for k, n in size.items())


@settings(max_examples=60, deadline=None)
@given(
    population=populations(), seed=st.text(min_size=1, max_size=12), rate=st.integers(3000, 10_000)
)
def test_settlement_the_sample_reaches_the_rate_everywhere_and_is_reproducible(
    population: list[Candidate], seed: str, rate: int
) -> None:
    chosen = draw(population, seed=seed, rate_bp=rate)
    picked = set(chosen)
    assert len(picked) == len(chosen)
    for key in (None, 0, 1, 2):  # the county, each township, each provider, each item
        assert shares_ok(population, picked, key)
    strata = Counter(c.stratum for c in population)
    assert len(chosen) == sum(quota(n, rate) for n in strata.values())  # no more than needed
    shuffled = list(population)
    random.Random(7).shuffle(shuffled)
    assert (
        draw(shuffled, seed=seed, rate_bp=rate) == chosen
    )  # the seed, not the input order, decides


@settings(max_examples=40, deadline=None)
@given(population=populations(), more=populations(), seed=st.text(min_size=1, max_size=12))
def test_settlement_a_later_draw_tops_up_without_redrawing(
    population: list[Candidate], more: list[Candidate], seed: str
) -> None:
    first = set(draw(population, seed=seed, rate_bp=MIN_RATE_BASIS_POINTS))
    known = {c.record_id for c in population}
    later = [c for c in more if c.record_id not in known]  # services recorded after the first draw
    year = [Candidate(c.record_id, c.stratum, c.record_id in first) for c in population] + later
    second = set(draw(year, seed=seed, rate_bp=MIN_RATE_BASIS_POINTS))
    assert not first & second
    assert shares_ok(year, first | second, None)
    assert shares_ok(year, first | second, 1)
