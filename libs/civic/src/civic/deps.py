"""FastAPI dependency aliases shared by the services' routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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
