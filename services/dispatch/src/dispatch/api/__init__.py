"""dispatch's HTTP routes: parse, call a use case, shape the answer (one module per audience)."""

from __future__ import annotations

from fastapi import APIRouter

from dispatch.api import (
    complaints,
    doorbell,
    messages,
    neighbours,
    orders,
    plans,
    provider_portal,
    providers,
    workers,
)

ROUTERS: list[APIRouter] = [
    providers.router,
    orders.router,
    provider_portal.router,
    neighbours.router,
    doorbell.router,
    workers.provider_router,
    workers.officer_router,
    complaints.router,
    complaints.provider_router,
    plans.router,
    messages.router,
]
