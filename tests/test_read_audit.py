"""Issue 16: every route of every service says whether it reads personal data, truthfully.

A new route that declares nothing fails here; so does one that declares it reads nothing
personal while its answer model holds personal fields. Each service's own read-audit test
(``services/<service>/tests/integration/test_<service>_read_audit.py``) then calls every
route that reads personal data and finds the line it left (it fails for a route it has no
call for), so a route cannot be added without its audit being tested.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from civic.asyncapi import DOCS_ENV
from civic.audit import reads_personal
from civic.audit.rules import audited_routes, broken_declarations
from devstack.services import SERVICES

pytestmark = pytest.mark.unit


def service_app(service: str) -> FastAPI:
    """The service's whole app, built as documentation builds it (no connections)."""
    settings_class: Any = importlib.import_module(f"{service}.settings").Settings
    extra = _intake_keys() if service == "intake" else {}
    settings = settings_class.model_validate({**DOCS_ENV, **extra})
    app: FastAPI = importlib.import_module(f"{service}.main").create_app(settings)
    return app


def _intake_keys() -> dict[str, Any]:
    from intake.asyncapi import throwaway_keys  # the report keys intake's docs are built with

    return throwaway_keys()


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_route_declares_truthfully_whether_it_reads_personal_data(service: str) -> None:
    assert broken_declarations(service_app(service).routes) == []


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_answers_the_auditors_questions(service: str) -> None:
    assert audited_routes(service_app(service).routes)["GET /audit/reads"] == "read_audit"


class Leaky(BaseModel):
    """An answer with a phone number in it."""

    phone: str


def test_a_route_that_hides_personal_fields_is_caught() -> None:
    app = FastAPI()

    @app.get("/undeclared")
    async def undeclared() -> Leaky:
        return Leaky(phone="x")

    @app.get("/denied", openapi_extra=reads_personal(None))
    async def denied() -> Leaky:
        return Leaky(phone="x")

    problems = broken_declarations(app.routes)
    assert problems == [
        "GET /undeclared: declares nothing (openapi_extra=reads_personal)",
        "GET /denied: says none, answers ['phone']",
    ]
