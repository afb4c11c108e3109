"""The OpenAPI document an app team builds against: every field, enum and error documented."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from intake import api

pytestmark = pytest.mark.unit

# Problem and FieldError belong to civic; their gaps are civic's to close.
FOREIGN = {"Problem", "FieldError", "HTTPValidationError", "ValidationError"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    app = FastAPI()
    app.include_router(api.router)
    return app.openapi()


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]


def test_every_field_of_intake_models_is_described(spec: dict[str, Any]) -> None:
    missing = [
        f"{name}.{field}"
        for name, schema in spec["components"]["schemas"].items()
        if name not in FOREIGN
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == []


def test_every_route_documents_its_errors_and_has_a_summary(spec: dict[str, Any]) -> None:
    for path, method, op in operations(spec):
        assert op.get("summary") and op.get("description"), (path, method)
        assert {"401", "403", "404", "409", "422"} <= set(op["responses"]), (path, method)
        problem = op["responses"]["422"]["content"]["application/json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/Problem"}


def test_request_bodies_have_examples_that_are_valid(spec: dict[str, Any]) -> None:
    from civic.notify.schemas import ChannelBody, PreferenceBody, ReceiptBody
    from intake.schemas.city import AssistanceStatusIn
    from intake.schemas.imports import ImportChunkIn, ImportStart
    from intake.schemas.requests import (
        ApplicationCreate,
        DiscoveryCreate,
        RegistrationCreate,
        WithdrawalCreate,
    )

    models = {
        "AssistanceStatusIn": AssistanceStatusIn,
        "ApplicationCreate": ApplicationCreate,
        "DiscoveryCreate": DiscoveryCreate,
        "RegistrationCreate": RegistrationCreate,
        "WithdrawalCreate": WithdrawalCreate,
        "ImportStart": ImportStart,
        "ImportChunkIn": ImportChunkIn,
        "ChannelBody": ChannelBody,
        "PreferenceBody": PreferenceBody,
        "ReceiptBody": ReceiptBody,
    }
    seen = set()
    for path, method, op in operations(spec):
        if "requestBody" not in op:
            continue
        content = op["requestBody"]["content"]["application/json"]
        name = content["schema"]["$ref"].rsplit("/", 1)[-1]
        assert content.get("examples"), (path, method)
        for example in content["examples"].values():
            models[name].model_validate(example["value"])
        seen.add(name)
    assert seen == set(models)


def test_enums_and_the_idempotency_header_are_documented(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    status = schemas["ApplicationStatus"]["enum"]
    assert status == [
        "submitted",
        "registered",
        "surveying",
        "preliminary_passed",
        "preliminary_failed",
        "approved",
        "rejected",
        "withdrawn",
    ]
    create = schemas["ApplicationCreate"]["properties"]
    assert "低保对象" in create["category"]["description"]
    assert "bad_check_char" in schemas["ApplicantIn"]["properties"]["id_number"]["description"]
    submit = spec["paths"]["/applications"]["post"]
    header = next(p for p in submit["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and "409" in header["description"]
    assert (
        submit["responses"]["422"]["content"]["application/json"]["example"]["code"]
        == "bad_check_char"
    )


def test_the_city_systems_routes_are_for_its_integration_account(spec: dict[str, Any]) -> None:
    inbound = spec["paths"]["/inbound/assistance-status"]["post"]
    assert "202" in inbound["responses"] and "市救助系统" in inbound["summary"]
    body = spec["components"]["schemas"]["AssistanceStatusIn"]["properties"]
    assert "bad_check_char" in body["id_number"]["description"]
    assert "/follow-ups/{month}" in spec["paths"]
    signature = next(p for p in inbound["parameters"] if p["name"] == "X-City-Signature")
    assert signature["in"] == "header" and "bad_city_signature" in signature["description"]
    assert "401" in inbound["responses"]
