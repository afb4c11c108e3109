"""What review's route modules share: who may call, and the parameters they all take."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query

from civic.idempotency import check_key
from civic.security import Principal, require_roles
from contracts.enums import Role

#: Township and county officers: they read the queue and change recipients' status.
Officer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER))]
#: Township officers alone: they decide applications and the city's held reports.
TownshipOfficer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="重试时携带同一值, the first answer is returned."),
]
VillageFilter = Annotated[
    str | None,
    Query(
        pattern=r"^\d{12}$", description="只看该村(社区), 12 digits; must be in your jurisdiction."
    ),
]
PageSize = Annotated[int, Query(ge=1, le=100, description="每页条数, at most 100.")]


def checked(idempotency_key: str | None) -> str | None:
    """The Idempotency-Key header, validated (422 before anything else), or None."""
    return None if idempotency_key is None else check_key(idempotency_key)
