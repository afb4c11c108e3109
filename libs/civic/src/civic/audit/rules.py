"""The rule every route answers to: it says whether it reads personal data, truthfully."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import TypeAdapter

from civic.audit.marks import NOT_PERSONAL, declared

#: Field names that carry a person's data (or point at one person) in an answer.
_PERSONAL = """
    person_id person_ids recipient_id applicant household_members id_number id_number_masked
    phone phone_masked address emergency_contact health_notes income_assets_notes
    self_care_level special_conditions situation_zh location latitude longitude care_needs
    living_situation contacts display_name confirmed_conditions recommended_conditions
    summary_zh content_zh notes_zh helper_ids
"""
PERSONAL_FIELDS = frozenset(_PERSONAL.split())


def route_key(route: APIRoute) -> str:
    """``GET /applications/{application_id}``: how audit lines and tests name a route."""
    methods = ",".join(sorted(route.methods or ()))
    return f"{methods} {route.path}"


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every API route of an app, through the routers it includes."""
    for context in iter_route_contexts(list(routes)):
        if isinstance(context.original_route, APIRoute):
            yield context.original_route


def personal_fields_of(route: APIRoute) -> set[str]:
    """The personal fields anywhere in the route's answer model (empty for raw answers)."""
    if route.response_model is None:
        return set()
    schema = TypeAdapter(route.response_model).json_schema()
    return set(PERSONAL_FIELDS.intersection(_property_names(schema)))


def _property_names(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        yield from (
            schema.get("properties", {}) if isinstance(schema.get("properties"), dict) else ()
        )
        for value in schema.values():
            yield from _property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _property_names(value)


def broken_declarations(routes: Iterable[Any]) -> list[str]:
    """Routes that declare nothing, and routes that deny reading what their answer holds."""
    problems = []
    for route in api_routes(routes):
        what = declared(route)
        if what is None:
            problems.append(f"{route_key(route)}: declares nothing (openapi_extra=reads_personal)")
        elif what == NOT_PERSONAL and (fields := personal_fields_of(route)):
            problems.append(f"{route_key(route)}: says none, answers {sorted(fields)}")
    return problems


def audited_routes(routes: Iterable[Any]) -> dict[str, str]:
    """Every route that reads personal data: its key → what it reads."""
    return {
        route_key(route): what
        for route in api_routes(routes)
        if (what := declared(route)) not in (None, NOT_PERSONAL)
    }
