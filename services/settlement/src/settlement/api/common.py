"""Shared route helpers: roles, jurisdiction, pagination, Shanghai time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query

from civic.deps import PageNumber
from civic.errors import Forbidden
from civic.security import Principal, ensure_jurisdiction, require_roles
from contracts import divisions
from contracts.enums import Role

#: A month to report on (YYYY-MM): ASCII digits and a year from 2000 to 2099, so that its
#: first and last days exist (``0000-01`` and ``9999-12`` answered 500 before).
MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"

County = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER))]
Township = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
Officer = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR))
]
Checker = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER, Role.AUDITOR))]
#: Staff who may read a township's statements and payments: the checker (资金复核人员) reads
#: what it approves, and initiates nothing (it holds none of the other dependencies here).
STAFF_READERS = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR, Role.CHECKER)
Reader = Annotated[Principal, Depends(require_roles(*STAFF_READERS, Role.PROVIDER))]
StaffReader = Annotated[Principal, Depends(require_roles(*STAFF_READERS))]
#: A second person who approves what a township officer initiated (a batch, a reversal).
Approver = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.CHECKER))]


@dataclass(frozen=True)
class Paging:
    """``?page=1&size=20`` (size at most 100)."""

    page: int
    size: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.size


def paging(
    page: PageNumber = 1,
    size: Annotated[int, Query(ge=1, le=100, description="Rows per page.")] = 20,
) -> Paging:
    """Reads the pagination parameters."""
    return Paging(page, size)


PagingDep = Annotated[Paging, Depends(paging)]
#: A creating POST's retry key (civic.idempotency): the same key gets the first answer.
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="重试时携带同一值, the first answer is returned."),
]


def ensure_county(principal: Principal, county_code: str) -> None:
    """A known county-level unit, inside the caller's jurisdiction."""
    division = divisions.get(county_code)
    if division is None or division.level is not divisions.DivisionLevel.COUNTY:
        raise Forbidden("不是本市的县(区)级单位", code="unknown_county")
    ensure_jurisdiction(principal, county_code)


def ensure_division(principal: Principal, code: str) -> None:
    """A county or township inside the caller's jurisdiction."""
    ensure_jurisdiction(principal, code)


def ensure_statement_reader(principal: Principal, township_code: str, provider_code: str) -> None:
    """Staff inside the jurisdiction, or the provider the statement pays."""
    if principal.has_any(*STAFF_READERS) and principal.covers(township_code):
        return
    if principal.has_any(Role.PROVIDER) and principal.provider_code == provider_code:
        return
    raise Forbidden("无权查看该结算单", code="outside_jurisdiction")
