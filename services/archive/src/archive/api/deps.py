"""Dependencies shared by archive's routes: the use-case context and role sets."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from archive.context import ArchiveContext
from civic.security import Principal, require_roles
from contracts.enums import Role


def get_context(request: Request) -> ArchiveContext:
    """The context the app was built with."""
    context: ArchiveContext = request.app.state.context
    return context


ContextDep = Annotated[ArchiveContext, Depends(get_context)]

#: Who may open files and download personal documents (in their jurisdiction).
FileReader = Annotated[
    Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR))
]
#: Who may add documents to a file (in their jurisdiction).
DocumentUploader = Annotated[
    Principal,
    Depends(require_roles(Role.VILLAGE_STAFF, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER)),
]
#: Who may read the access log of a file.
Supervisor = Annotated[Principal, Depends(require_roles(Role.COUNTY_OFFICER, Role.AUDITOR))]
#: Who may read and export a village ledger.
LedgerReader = Annotated[
    Principal,
    Depends(
        require_roles(Role.VILLAGE_STAFF, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.AUDITOR)
    ),
]
#: Who may ask for a board to be rendered again (e.g. at the turn of a month).
BoardPublisher = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]
