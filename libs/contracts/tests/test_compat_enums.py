"""A value added to an enum breaks the consumers of a closed enum (they refuse the event);
an enum, field or event declared ``x-open-enum`` in the OLD schema may grow."""

from __future__ import annotations

import copy
import enum
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from contracts.compat import OPEN_ENUM, breaking_changes
from contracts.review import RecipientApproved

pytestmark = pytest.mark.unit


def schema(kind: dict[str, Any], **root: Any) -> dict[str, Any]:
    return {"type": "object", "properties": {"kind": kind}, "required": ["kind"], **root}


CLOSED = {"type": "string", "enum": ["a", "b"]}
OPEN = {**CLOSED, OPEN_ENUM: True}
GROWN = {"type": "string", "enum": ["a", "b", "c"]}


def test_a_new_value_in_a_closed_enum_is_breaking() -> None:
    problems = breaking_changes(schema(CLOSED), schema(GROWN))
    assert len(problems) == 1 and problems[0].startswith("kind: enum values added: ['c']")


def test_a_new_value_in_an_open_enum_is_compatible() -> None:
    assert breaking_changes(schema(OPEN), schema({**GROWN, OPEN_ENUM: True})) == []
    assert breaking_changes(schema(OPEN), schema(GROWN)) == []


def test_an_event_declared_open_may_grow_every_enum_in_it() -> None:
    assert breaking_changes(schema(CLOSED, **{OPEN_ENUM: True}), schema(GROWN)) == []


def test_declaring_openness_with_the_new_value_is_still_breaking() -> None:
    # The consumers already running were built on the old, closed schema.
    problems = breaking_changes(schema(CLOSED), schema({**GROWN, OPEN_ENUM: True}))
    assert any("enum values added: ['c']" in p for p in problems)


def test_a_const_growing_into_an_enum_is_breaking_unless_open() -> None:
    const = {"type": "string", "const": "a"}
    assert any("enum values added" in p for p in breaking_changes(schema(const), schema(GROWN)))
    open_const = {**const, OPEN_ENUM: True}
    assert breaking_changes(schema(open_const), schema(GROWN)) == []


def test_a_new_value_in_an_optional_enum_is_named_as_such() -> None:
    old = schema({"anyOf": [CLOSED, {"type": "null"}], "default": None})
    new = schema({"anyOf": [GROWN, {"type": "null"}], "default": None})
    problems = breaking_changes(old, new)
    assert len(problems) == 1 and problems[0].startswith("kind: enum values added: ['c']")


def test_a_real_event_gaining_a_recipient_category_is_breaking() -> None:
    old = RecipientApproved.model_json_schema()
    new = copy.deepcopy(old)
    new["$defs"]["RecipientCategory"]["enum"].append("newcomer")
    problems = breaking_changes(old, new)
    assert any(
        p.startswith("category ($defs/RecipientCategory): enum values added: ['newcomer']")
        for p in problems
    ), problems


class Before(enum.StrEnum):
    A = "a"
    B = "b"


class After(enum.StrEnum):
    A = "a"
    B = "b"
    C = "c"


def models(kind: type[enum.StrEnum]) -> dict[str, type[BaseModel]]:
    """The ways an event can say what its consumers tolerate, with enum ``kind``."""
    tolerant = Field(json_schema_extra={OPEN_ENUM: True})

    class Closed(BaseModel):
        kind: kind  # type: ignore[valid-type]

    class OpenField(BaseModel):
        kind: Annotated[kind, tolerant]  # type: ignore[valid-type]
        maybe: Annotated[kind | None, tolerant] = None  # type: ignore[valid-type]

    class OpenEvent(BaseModel):
        model_config = ConfigDict(json_schema_extra={OPEN_ENUM: True})
        kind: kind  # type: ignore[valid-type]

    return {"closed": Closed, "open field": OpenField, "open event": OpenEvent}


@pytest.mark.parametrize(("declared", "breaking"), [
    ("closed", True), ("open field", False), ("open event", False)
])  # fmt: skip
def test_pydantic_declarations_reach_the_checker(declared: str, breaking: bool) -> None:
    old = models(Before)[declared].model_json_schema()
    new = models(After)[declared].model_json_schema()
    new["$defs"]["Before"] = new["$defs"].pop("After")  # the same enum, one value more
    for node in new["properties"].values():
        _rename_refs(node)
    assert bool(breaking_changes(old, new)) is breaking, breaking_changes(old, new)


def _rename_refs(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == "#/$defs/After":
            node["$ref"] = "#/$defs/Before"
        for value in node.values():
            _rename_refs(value)
    elif isinstance(node, list):
        for value in node:
            _rename_refs(value)
