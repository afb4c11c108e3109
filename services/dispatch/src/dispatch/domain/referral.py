"""Who gets an order: the referral rule (转介), as one pure function, ``choose_provider``.

The candidates are narrowed step by step — area, mode and item, suspension,
qualification, an ended service agreement, a latest monthly evaluation below the county's
threshold, earlier decliners, capacity — and the step that leaves nobody names why the
order must wait for a township officer. Among the eligible, a provider already serving
the person, then the household, keeps the family with people it knows; then the better
scored (a provider never evaluated after every evaluated one: it is not passed by, but a
proven score comes first); then the least loaded one gets it, so work spreads.

The contract's ``UnplacedReason`` cannot say "agreement ended" or "score below threshold"
in this version: those two are dispatch's ``PassedBy``, published as ``other`` with the
Chinese reason beside it (``Unplaced.reason_zh``). Orders a provider already holds are not
touched by either: they continue, and their records count.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from contracts.dispatch.orders import UnplacedReason
from contracts.enums import ProviderType, ServiceCategory, ServiceMode
from contracts.labels import ZhEnum, zh_labels
from dispatch.domain.providers import Provider, ProviderStatus


@zh_labels(
    {
        "agreement_ended": "服务供给主体服务协议已到期",
        "score_below_threshold": "服务供给主体绩效评价低于县级转介门槛",
        "medical_institution_needed": "服务对象须由医疗机构服务，本区域暂无符合条件的医疗机构",
    }
)
class PassedBy(ZhEnum):
    """dispatch's own reasons to pass a provider by (the contract adds them later)."""

    AGREEMENT_ENDED = "agreement_ended"
    SCORE_BELOW_THRESHOLD = "score_below_threshold"
    MEDICAL_INSTITUTION_NEEDED = "medical_institution_needed"


@dataclass(frozen=True)
class Need:
    """One approved item of one person, to be placed with a provider."""

    village_code: str
    item_code: str
    mode: ServiceMode
    on: date
    person_id: uuid.UUID
    household_id: uuid.UUID
    medical_only: bool = False  # only a medical institution may take it (emergency care)


#: What only a medical institution gives a recipient who needs one (issue 20).
MEDICAL_CATEGORIES: frozenset[ServiceCategory] = frozenset({ServiceCategory.HEALTH_CARE})
MEDICAL_MODES: frozenset[ServiceMode] = frozenset({ServiceMode.INSTITUTIONAL_CARE})


def needs_medical_institution(needed: bool, category: ServiceCategory, mode: ServiceMode) -> bool:
    """True when the item must go to a medical institution: the recipient needs one and the
    item is health care or institutional care."""
    return needed and (category in MEDICAL_CATEGORIES or mode in MEDICAL_MODES)


def _medical_ok(need: Need, candidate: Candidate) -> bool:
    kind = candidate.provider.provider_type
    return not need.medical_only or kind is ProviderType.MEDICAL_INSTITUTION


@dataclass(frozen=True)
class Candidate:
    """A provider with what referral must know about its current work."""

    provider: Provider
    open_orders: int = 0
    serves_person: bool = False
    serves_household: bool = False
    score: int | None = None  # of the latest monthly evaluation; None if never evaluated
    referral_threshold: int | None = None  # the county's, from that evaluation

    @property
    def below_threshold(self) -> bool:
        """True when the latest monthly evaluation scored below the county's threshold."""
        if self.score is None or self.referral_threshold is None:
            return False
        return self.score < self.referral_threshold

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
    reason_zh: str | None = None  # when the code is too coarse (``other``)

    @classmethod
    def because(cls, why: UnplacedReason | PassedBy) -> Unplaced:
        """The contract's code for ``why``, with the Chinese reason when it is dispatch's own."""
        if isinstance(why, PassedBy):
            return cls(UnplacedReason.OTHER, why.label_zh)
        return cls(why)


Choice = Chosen | Unplaced
_Filter = tuple[UnplacedReason | PassedBy, Callable[[Candidate], bool]]


def agreement_ended(provider: Provider, on: date) -> bool:
    """True if the provider's service agreement ended before ``on``."""
    return provider.agreement_ends_on is not None and provider.agreement_ends_on < on


def _filters(need: Need, excluded: frozenset[uuid.UUID]) -> list[_Filter]:
    return [
        (UnplacedReason.NO_PROVIDER_IN_AREA, lambda c: c.provider.serves(need.village_code)),
        (PassedBy.MEDICAL_INSTITUTION_NEEDED, lambda c: _medical_ok(need, c)),
        (UnplacedReason.MODE_NOT_OFFERED, lambda c: need.mode in c.provider.modes),
        (UnplacedReason.ITEM_NOT_OFFERED, lambda c: c.provider.offers(need.mode, need.item_code)),
        (UnplacedReason.ALL_SUSPENDED, lambda c: c.provider.status is ProviderStatus.ACTIVE),
        (UnplacedReason.NOT_QUALIFIED, lambda c: c.provider.qualification.valid_on(need.on)),
        (PassedBy.AGREEMENT_ENDED, lambda c: not agreement_ended(c.provider, need.on)),
        (PassedBy.SCORE_BELOW_THRESHOLD, lambda c: not c.below_threshold),
        (UnplacedReason.ALL_DECLINED, lambda c: c.provider.provider_id not in excluded),
        (UnplacedReason.NO_CAPACITY, lambda c: c.has_room),
    ]


def _preference(candidate: Candidate) -> tuple[bool, bool, bool, int, float, str]:
    return (
        not candidate.serves_person,
        not candidate.serves_household,
        candidate.score is None,  # evaluated providers first,
        -(candidate.score or 0),  # the better scored first
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
            return Unplaced.because(reason)
    return Chosen(min(remaining, key=_preference))


def eligible_for_override(need: Need, provider: Provider) -> UnplacedReason | PassedBy | None:
    """Why an officer may not hand ``need`` to ``provider``; area, load and score are theirs
    to judge."""
    if not provider.offers(need.mode, need.item_code):
        return UnplacedReason.ITEM_NOT_OFFERED
    if need.medical_only and provider.provider_type is not ProviderType.MEDICAL_INSTITUTION:
        return PassedBy.MEDICAL_INSTITUTION_NEEDED
    if provider.status is not ProviderStatus.ACTIVE:
        return UnplacedReason.ALL_SUSPENDED
    if not provider.qualification.valid_on(need.on):
        return UnplacedReason.NOT_QUALIFIED
    if agreement_ended(provider, need.on):
        return PassedBy.AGREEMENT_ENDED
    return None
