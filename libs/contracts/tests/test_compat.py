"""breaking_changes: each kind of breaking change is caught; additive ones pass."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contracts.compat import breaking_changes
from contracts.review import RecipientApproved

pytestmark = pytest.mark.unit


def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required or [], **extra}


OLD = obj(
    {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "maxLength": 20},
        "count": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["a", "b", "c"], "type": "string"},
        "tag": {"const": "x", "type": "string"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "items": {"type": "array", "items": {"type": "string"}},
        "ref": {"$ref": "#/$defs/Inner"},
    },
    ["id"],
    **{"$defs": {"Inner": obj({"level": {"type": "integer"}, "code": {"type": "string"}})}},
)


def changed(path: list[str], value: Any = None, *, delete: bool = False) -> dict[str, Any]:
    new = copy.deepcopy(OLD)
    node = new
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return new


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(OLD, copy.deepcopy(OLD)) == []


def test_additive_optional_field_is_compatible() -> None:
    new = changed(["properties", "added"], {"type": "string"})
    assert breaking_changes(OLD, new) == []


def test_docs_and_defaults_may_change() -> None:
    new = changed(["properties", "name", "description"], "new words")
    new["properties"]["count"]["default"] = 3
    assert breaking_changes(OLD, new) == []


def test_widening_is_compatible() -> None:
    new = changed(["properties", "name", "maxLength"], 40)
    new["properties"]["count"]["minimum"] = -5
    new["properties"]["count"]["type"] = "number"
    new["properties"]["tag"] = {"anyOf": [{"const": "x", "type": "string"}, {"type": "null"}]}
    assert breaking_changes(OLD, new) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["properties", "count", "type"], "string", "count: type changed"),
        (["properties", "id", "format"], "date", "id: format changed"),
        (["properties", "name", "pattern"], "^[a-z]+$", "name: pattern added"),
        (["properties", "name", "maxLength"], 10, "name: maxLength tightened"),
        (["properties", "count", "minimum"], 1, "count: minimum tightened"),
        (["properties", "count", "maximum"], 99, "count: maximum tightened"),
        (["properties", "kind", "enum"], ["a", "b"], "kind: enum values removed: ['c']"),
        (["properties", "tag", "const"], "y", "tag: const changed"),
        (["properties", "note"], {"type": "string"}, "note: no longer nullable"),
        (["properties", "items", "items"], {"type": "integer"}, "items[]: type changed"),
        (["required"], ["id", "name"], "name: now required"),
        (["additionalProperties"], False, "additional properties no longer allowed"),
        (["properties", "name", "enum"], ["bob"], "name: restricted to"),
    ],
)
def test_narrowing_is_breaking(path: list[str], value: Any, expected: str) -> None:
    problems = breaking_changes(OLD, changed(path, value))
    assert any(expected in p for p in problems), problems


def test_removed_property_is_breaking() -> None:
    problems = breaking_changes(OLD, changed(["properties", "name"], delete=True))
    assert problems == ["name: property removed"]


def test_new_required_property_is_breaking() -> None:
    new = changed(["properties", "added"], {"type": "string"})
    new["required"] = ["id", "added"]
    assert breaking_changes(OLD, new) == ["added: now required"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"level": {"type": "string"}, "code": {"type": "string"}},
            "ref ($defs/Inner).level: type",
        ),
        ({"level": {"type": "integer"}}, "ref ($defs/Inner).code: property removed"),
        (
            {"level": {"type": "integer", "maximum": 3}, "code": {"type": "string"}},
            "ref ($defs/Inner).level: maximum tightened",
        ),
    ],
)
def test_change_inside_a_referenced_definition_is_breaking(
    change: dict[str, Any], expected: str
) -> None:
    new = changed(["$defs", "Inner", "properties"], change)
    problems = breaking_changes(OLD, new)
    assert any(expected in p for p in problems), problems


def test_referenced_enum_losing_a_value_is_breaking_on_a_real_event() -> None:
    old = RecipientApproved.model_json_schema()
    new = copy.deepcopy(old)
    new["$defs"]["RecipientCategory"]["enum"].remove("tekun")
    new["$defs"]["Frequency"]["properties"]["times"]["maximum"] = 7
    problems = breaking_changes(old, new)
    assert "category ($defs/RecipientCategory): enum values removed: ['tekun']" in problems
    assert any("frequency ($defs/Frequency).times: maximum tightened" in p for p in problems)


def test_replacing_a_reference_with_a_narrower_definition_is_breaking() -> None:
    new = changed(["properties", "ref"], {"$ref": "#/$defs/Other"})
    new["$defs"]["Other"] = obj({"level": {"type": "integer"}})
    assert any("code: property removed" in p for p in breaking_changes(OLD, new))


def test_recursive_definitions_terminate() -> None:
    tree = obj({"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}})
    schema = obj({"root": {"$ref": "#/$defs/Node"}}, **{"$defs": {"Node": tree}})
    assert breaking_changes(schema, copy.deepcopy(schema)) == []
