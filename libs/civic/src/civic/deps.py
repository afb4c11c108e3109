"""FastAPI dependency aliases shared by the services' routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from civic.runtime import Runtime
from civic.uow import UnitOfWork


def get_runtime(request: Request) -> Runtime:
    """Returns the service's runtime."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_uow(request: Request) -> UnitOfWork:
    """Returns a fresh unit of work for one request."""
    return get_runtime(request).uow()


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]

#: The last page a list answers: far beyond any real list, and small enough that
#: ``(page - 1) * size`` always fits PostgreSQL's OFFSET (a huge page is a 422, not a 500).
MAX_PAGE = 100_000
PageNumber = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description="页码 Page number, from 1 (at most 100000).")
]
