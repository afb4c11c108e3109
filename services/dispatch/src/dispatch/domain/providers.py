"""The provider registry's rules: which modes a provider type works in, where and when it serves."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from contracts.enums import ProviderType, ServiceMode
from contracts.reasons import ProviderSuspensionReason

#: The provider types that may work in each service mode (seed 二、服务方式).
MODE_PROVIDER_TYPES: dict[ServiceMode, frozenset[ProviderType]] = {
    ServiceMode.GOVERNMENT_PURCHASE: frozenset(
        {
            ProviderType.WELFARE_INSTITUTION,
            ProviderType.SOCIAL_WORK_ORG,
            ProviderType.SOCIAL_ORGANISATION,
            ProviderType.MEDICAL_INSTITUTION,
        }
    ),
    ServiceMode.INSTITUTIONAL_CARE: frozenset(
        {ProviderType.WELFARE_INSTITUTION, ProviderType.MEDICAL_INSTITUTION}
    ),
    ServiceMode.DEPARTMENT_LINKAGE: frozenset({ProviderType.PARTNER_DEPARTMENT}),
    ServiceMode.PARTY_BUILDING: frozenset({ProviderType.PARTY_BRANCH}),
    ServiceMode.SOCIAL_WORK_VOLUNTEER: frozenset(
        {ProviderType.SOCIAL_WORK_ORG, ProviderType.SOCIAL_ORGANISATION}
    ),
    ServiceMode.NEIGHBOUR_MUTUAL_AID: frozenset({ProviderType.NEIGHBOUR_VOLUNTEER}),
    ServiceMode.CHARITY_REFERRAL: frozenset({ProviderType.CHARITY}),
}

#: Modes in which the provider, not the catalogue, decides what is given (no fee).
PROVIDER_DECIDES_CONTENT: frozenset[ServiceMode] = frozenset({ServiceMode.CHARITY_REFERRAL})


class ProviderStatus(enum.StrEnum):
    """Whether a provider may receive new orders."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class Qualification:
    """A provider's qualification (资质) and the days it is valid."""

    name_zh: str
    number: str
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        """True if the qualification covers ``day``."""
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class Provider:
    """One provider as referral sees it: where it serves, what it offers, how much it carries."""

    provider_id: uuid.UUID
    code: str
    provider_type: ProviderType
    status: ProviderStatus
    qualification: Qualification
    township_codes: frozenset[str]
    village_codes: frozenset[str]
    item_codes: frozenset[str]
    modes: frozenset[ServiceMode]
    capacity: int
    county_code: str = ""
    name_zh: str = ""
    version: int = 1
    agreement_ends_on: date | None = None  # the service agreement's last day, if fixed

    def serves(self, village_code: str) -> bool:
        """True if the village, or its township, is in the provider's area."""
        return village_code in self.village_codes or village_code[:9] in self.township_codes

    def offers(self, mode: ServiceMode, item_code: str) -> bool:
        """True if the provider works in ``mode`` and gives the item (or decides content itself)."""
        if mode not in self.modes:
            return False
        return mode in PROVIDER_DECIDES_CONTENT or item_code in self.item_codes


def modes_not_allowed(
    provider_type: ProviderType, modes: frozenset[ServiceMode]
) -> list[ServiceMode]:
    """The modes among ``modes`` that a provider of this type may not work in."""
    return sorted(m for m in modes if provider_type not in MODE_PROVIDER_TYPES[m])


def townships_of(areas: frozenset[str]) -> frozenset[str]:
    """The townships an area list (9-digit townships, 12-digit villages) touches."""
    return frozenset(code[:9] for code in areas)


@dataclass(frozen=True)
class RegisteredProvider:
    """A provider as the county's registry keeps it (codes and lists as stored)."""

    provider_id: uuid.UUID
    code: str
    name_zh: str
    provider_type: str
    credit_code: str | None
    county_code: str
    status: str
    version: int
    capacity: int
    qualification_name: str
    qualification_number: str
    qualified_from: date
    qualified_until: date
    agreement_ends_on: date | None
    township_codes: list[str]
    village_codes: list[str]
    item_codes: list[str]
    modes: list[str]
    service_categories: list[str]
    contacts: list[dict[str, Any]]
    suspension_reason_code: str | None
    suspension_reason_zh: str | None
    suspended_from: date | None
    created_at: datetime
    updated_at: datetime


# --- what officers ask of the registry ----------------------------------------------


@dataclass(frozen=True)
class Offer:
    """What a provider offers, where and how; a field left None stays as it is (a change)."""

    modes: frozenset[ServiceMode] | None = None
    areas: tuple[str, ...] | None = None
    item_codes: tuple[str, ...] | None = None
    qualification: Qualification | None = None
    contacts: tuple[Mapping[str, Any], ...] | None = None
    #: Name, capacity and agreement end, only those the caller sent (None may clear one).
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Registration:
    """A provider admitted to a county's registry."""

    code: str
    provider_type: ProviderType
    credit_code: str | None
    offer: Offer


@dataclass(frozen=True)
class Suspension:
    """Why, and from when (default today), a provider is suspended."""

    reason_code: ProviderSuspensionReason
    reason_zh: str | None
    effective_date: date | None
