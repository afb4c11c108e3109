"""What every dispatch route may ask for: its parts, the caller in a given role, a page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from civic.deps import PageNumber
from civic.errors import Forbidden
from civic.security import Principal, require_roles
from contracts.enums import Role
from dispatch.bootstrap import Dispatch


def get_parts(request: Request) -> Dispatch:
    """The dispatch parts of this process."""
    parts: Dispatch = request.app.state.dispatch
    return parts


DispatchDep = Annotated[Dispatch, Depends(get_parts)]
CountyOfficer = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER))]
Officer = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR))
]
TownshipOfficer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
VillageStaff = Annotated[
    Principal,
    Depends(require_roles(Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER)),
]
AnyStaff = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.VILLAGE_STAFF, Role.COORDINATOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER
        )
    ),
]
ProviderUser = Annotated[Principal, Depends(require_roles(Role.PROVIDER))]
PageNo = PageNumber
PageSize = Annotated[int, Query(ge=1, le=100, description="Rows per page.")]


def county_of(principal: Principal) -> str:
    """The county a county officer acts for (their jurisdiction must be one county)."""
    if principal.division is None or len(principal.division) != 6:
        raise Forbidden("须为县级民政部门账号", code="county_required")
    return principal.division


def provider_code_of(principal: Principal) -> str:
    """The provider a provider account acts for."""
    if not principal.provider_code:
        raise Forbidden("令牌中缺少服务供给主体编码", code="provider_code_missing")
    return principal.provider_code
