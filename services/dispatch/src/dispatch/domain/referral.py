"""Who gets an order: the referral rule (转介), as one pure function, ``choose_provider``.

The candidates are narrowed step by step — area, mode and item, suspension,
qualification, earlier decliners, capacity — and the step that leaves nobody names why
the order must wait for a township officer. Among the eligible, a provider already
serving the person, then the household, keeps the family with people it knows; then
the least loaded one gets it, so work spreads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from contracts.dispatch.orders import UnplacedReason
from contracts.enums import ServiceMode
from dispatch.domain.providers import Provider, ProviderStatus


@dataclass(frozen=True)
class Need:
    """One approved item of one person, to be placed with a provider."""

    village_code: str
    item_code: str
    mode: ServiceMode
    on: date
    person_id: uuid.UUID
    household_id: uuid.UUID


@dataclass(frozen=True)
class Candidate:
    """A provider with what referral must know about its current work."""

    provider: Provider
    open_orders: int = 0
    serves_person: bool = False
    serves_household: bool = False

    @property
    def has_room(self) -> bool:
        """True while the provider carries fewer open orders than its capacity."""
        return self.open_orders < self.provider.capacity

    @property
    def load(self) -> float:
        """Share of its capacity in use."""
        return self.open_orders / self.provider.capacity if self.provider.capacity else 1.0


@dataclass(frozen=True)
class Chosen:
    """The provider that gets the order."""

    candidate: Candidate

    @property
    def provider(self) -> Provider:
        """The chosen provider."""
        return self.candidate.provider


@dataclass(frozen=True)
class Unplaced:
    """Nobody is eligible; the order waits in the township's queue."""

    reason: UnplacedReason


Choice = Chosen | Unplaced
_Filter = tuple[UnplacedReason, Callable[[Candidate], bool]]


def _filters(need: Need, excluded: frozenset[uuid.UUID]) -> list[_Filter]:
    return [
        (UnplacedReason.NO_PROVIDER_IN_AREA, lambda c: c.provider.serves(need.village_code)),
        (UnplacedReason.MODE_NOT_OFFERED, lambda c: need.mode in c.provider.modes),
        (UnplacedReason.ITEM_NOT_OFFERED, lambda c: c.provider.offers(need.mode, need.item_code)),
        (UnplacedReason.ALL_SUSPENDED, lambda c: c.provider.status is ProviderStatus.ACTIVE),
        (UnplacedReason.NOT_QUALIFIED, lambda c: c.provider.qualification.valid_on(need.on)),
        (UnplacedReason.ALL_DECLINED, lambda c: c.provider.provider_id not in excluded),
        (UnplacedReason.NO_CAPACITY, lambda c: c.has_room),
    ]


def _preference(candidate: Candidate) -> tuple[bool, bool, float, str]:
    return (
        not candidate.serves_person,
        not candidate.serves_household,
        candidate.load,
        candidate.provider.code,
    )


def choose_provider(
    need: Need, candidates: Sequence[Candidate], *, excluded: frozenset[uuid.UUID] = frozenset()
) -> Choice:
    """Picks the provider for ``need``, or says why nobody can take it."""
    remaining = list(candidates)
    for reason, keep in _filters(need, excluded):
        remaining = [c for c in remaining if keep(c)]
        if not remaining:
            return Unplaced(reason)
    return Chosen(min(remaining, key=_preference))


def eligible_for_override(need: Need, provider: Provider) -> UnplacedReason | None:
    """Why an officer may not hand ``need`` to ``provider``; area and load are theirs to judge."""
    if not provider.offers(need.mode, need.item_code):
        return UnplacedReason.ITEM_NOT_OFFERED
    if provider.status is not ProviderStatus.ACTIVE:
        return UnplacedReason.ALL_SUSPENDED
    if not provider.qualification.valid_on(need.on):
        return UnplacedReason.NOT_QUALIFIED
    return None
