"""review's HTTP routes: parse, call a use case, shape the answer (one module per audience)."""

from __future__ import annotations

from fastapi import APIRouter

from review.api import cases, city, emergencies, recipients, service_changes

#: In the order the OpenAPI document lists them.
ROUTERS: list[APIRouter] = [
    cases.router,
    recipients.router,
    service_changes.router,
    emergencies.router,
    city.router,
]
