"""Constrained field types shared by events; descriptions are given where each is used.

Patterns here are part of the contract: tightening one later is a breaking change.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, WithJsonSchema

from contracts.enums import Role

#: 6-digit county-level division code (GB/T 2260, or a documented local management code).
CountyCode = Annotated[str, Field(pattern=r"^\d{6}$")]
#: 9-digit township-level code (NBS statistical code: county code + 3 digits).
TownshipCode = Annotated[str, Field(pattern=r"^\d{9}$")]
#: 12-digit village/community code (township code + 3 digits).
VillageCode = Annotated[str, Field(pattern=r"^\d{12}$")]
#: Any division code of Chizhou's tree: city, county, township or village.
DivisionCode = Annotated[str, Field(pattern=r"^(\d{6}|\d{9}|\d{12})$")]
#: A service item's code in the county catalogue, e.g. ``LC-01``.
ItemCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9_-]{1,31}$")]
#: A provider's short code; it names the provider's own topics.
ProviderCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")]
#: A user's id at the identity provider (the token's ``sub``).
UserId = Annotated[str, Field(min_length=1, max_length=64)]
#: A short Chinese reason for staff and applicants (never health details).
ReasonZh = Annotated[str, Field(min_length=1, max_length=200)]
#: A masked name for publicity, e.g. ``张*三`` or ``张**``; must contain at least one ``*``.
MaskedName = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[^*\s]+\*+[^*\s]*$")]
#: A settlement period: ``YYYY-MM`` for a month or ``YYYY`` for a year.
Period = Annotated[str, Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$")]
#: A non-negative amount in fen (分); money is never a float.
Fen = Annotated[int, Field(ge=0)]
#: A signed amount in fen, for reversals and adjustments.
SignedFen = int
#: A per-subject version, starting at 1; consumers drop events older than what they hold.
Version = Annotated[int, Field(ge=1)]


def check_division_chain(county: str, township: str | None, village: str | None) -> None:
    """Raises ValueError unless village ⊂ township ⊂ county by code prefix."""
    if township is not None and not township.startswith(county):
        raise ValueError(f"township {township} is not in county {county}")
    if village is not None and (township is None or not village.startswith(township)):
        raise ValueError(f"village {village} is not in township {township}")


def _acts(role: Role) -> Role:
    if role is Role.CHECKER:
        raise ValueError("a checker only approves what another initiated; nothing escalates to one")
    return role


#: A role an event names as the one to act (an escalation's target): any role but the checker.
#: Its schema is the role list as events have always published it, so the contract is unchanged.
ActingRole = Annotated[
    Role,
    AfterValidator(_acts),
    WithJsonSchema(
        {
            "description": Role.__doc__,
            "enum": [role.value for role in Role if role is not Role.CHECKER],
            "title": "Role",
            "type": "string",
        }
    ),
]
