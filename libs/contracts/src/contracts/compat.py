"""Finds breaking changes between two JSON Schemas of the same event.

A change is breaking when a message valid under the old schema may be invalid under the new
one, or when a consumer loses something it read: a property removed, a type changed or
narrowed, enum values removed, a const changed, a constraint added or tightened, nullability
removed, a property newly required. Additive optional properties are not breaking.

A value added to an enum is breaking too: a consumer built on the old schema parses the
event into its closed enum and refuses (dead-letters) the new value. It is not breaking
only when the OLD schema told consumers to tolerate new values, with ``"x-open-enum": true``
on the enum (its ``$defs`` entry), on the field that uses it, or on the event itself (every
enum in it). In pydantic: ``Field(json_schema_extra={"x-open-enum": True})`` on the field,
or ``model_config = ConfigDict(json_schema_extra={"x-open-enum": True})`` on the event.
Declaring it in the same change that adds the value does not help the consumers already
running: they were built on the old schema.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_UPPER_BOUNDS = ("maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties")
_LOWER_BOUNDS = ("minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties")
_EXACT = ("format", "pattern", "multipleOf")
#: Marks an enum (or a field, or a whole event) whose consumers must tolerate new values.
OPEN_ENUM = "x-open-enum"


class _Docs:
    """The two root documents, for resolving ``$ref``."""

    def __init__(self, old: Schema, new: Schema) -> None:
        self.old, self.new = old, new

    @staticmethod
    def _resolve(root: Schema, node: Schema) -> tuple[Schema, str | None]:
        node = _flatten(node)
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return node, None
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _flatten({**target, **rest}), ref

    def resolve_old(self, node: Schema) -> tuple[Schema, str | None]:
        return self._resolve(self.old, node)

    def resolve_new(self, node: Schema) -> tuple[Schema, str | None]:
        return self._resolve(self.new, node)


def _flatten(node: Schema) -> Schema:
    """Merges a one-element ``allOf`` (pydantic wraps ``$ref`` this way) into the node."""
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        rest = {k: v for k, v in node.items() if k != "allOf"}
        return {**all_of[0], **rest}
    return node


def _types(node: Schema) -> set[str] | None:
    t = node.get("type")
    if t is None:
        return None
    return {t} if isinstance(t, str) else set(t)


def _allowed(node: Schema) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    if "enum" in node:
        return list(node["enum"])
    return None


def _branches(node: Schema) -> list[Schema] | None:
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            return list(node[key])
    return None


class _Comparer:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.docs = _Docs(old_root, new_root)
        self.active: set[tuple[str, str]] = set()

    def compare(self, old: Schema, new: Schema, path: str) -> list[str]:
        old, old_ref = self.docs.resolve_old(old)
        new, new_ref = self.docs.resolve_new(new)
        if old_ref is None or new_ref is None:
            return self._compare_resolved(old, new, path)
        pair = (old_ref, new_ref)
        if pair in self.active:  # a recursive definition: its problems are reported above
            return []
        self.active.add(pair)
        try:
            name = new_ref.rsplit("/", 1)[-1]
            return self._compare_resolved(old, new, f"{path} ($defs/{name})")
        finally:
            self.active.discard(pair)

    def _compare_resolved(self, old: Schema, new: Schema, where: str) -> list[str]:
        old_branches, new_branches = _branches(old), _branches(new)
        if old_branches is not None or new_branches is not None:
            if old.get(OPEN_ENUM) is True and old_branches is not None:
                # An optional field declared open: its enum branch is open.
                old_branches = [{**b, OPEN_ENUM: True} for b in old_branches]
            return self._compare_unions(old_branches or [old], new_branches or [new], where)
        problems = self._compare_types(old, new, where)
        problems += self._compare_values(old, new, where, open_enum=self._is_open(old))
        problems += self._compare_bounds(old, new, where)
        problems += self._compare_objects(old, new, where)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            problems += self.compare(old["items"], new["items"], f"{where}[]")
        for i, (o, n) in enumerate(
            zip(old.get("prefixItems", ()), new.get("prefixItems", ()), strict=False)
        ):
            problems += self.compare(o, n, f"{where}[{i}]")
        return problems

    def _compare_unions(self, old: list[Schema], new: list[Schema], where: str) -> list[str]:
        problems: list[str] = []
        for branch in old:
            attempts = [self.compare(branch, candidate, where) for candidate in new]
            if any(not attempt for attempt in attempts):
                continue
            if _types(self.docs.resolve_old(branch)[0]) == {"null"}:
                problems.append(f"{where}: no longer nullable")
            elif len(closest := self._same_type(branch, new, attempts)) == 1:
                problems.extend(closest[0])
            else:
                problems.append(f"{where}: a union member is no longer accepted")
        return problems

    def _same_type(
        self, branch: Schema, new: list[Schema], attempts: list[list[str]]
    ) -> list[list[str]]:
        """The attempts against the new branches of the old branch's type (its successor)."""
        if len(new) == 1:
            return attempts
        kind = _types(self.docs.resolve_old(branch)[0])
        return [
            a
            for n, a in zip(new, attempts, strict=True)
            if _types(self.docs.resolve_new(n)[0]) == kind
        ]

    def _is_open(self, old: Schema) -> bool:
        return old.get(OPEN_ENUM) is True or self.docs.old.get(OPEN_ENUM) is True

    @staticmethod
    def _compare_types(old: Schema, new: Schema, where: str) -> list[str]:
        old_t, new_t = _types(old), _types(new)
        if new_t is None:
            return []
        if old_t is None:
            return [f"{where}: type narrowed from any to {sorted(new_t)}"]
        widened = new_t | ({"integer"} if "number" in new_t else set())
        lost = old_t - widened
        return [f"{where}: type changed from {sorted(old_t)} to {sorted(new_t)}"] if lost else []

    @staticmethod
    def _compare_values(old: Schema, new: Schema, where: str, *, open_enum: bool) -> list[str]:
        old_v, new_v = _allowed(old), _allowed(new)
        if new_v is None:
            return []
        if old_v is None:
            return [f"{where}: restricted to {new_v!r}"]
        if "const" in old and "const" in new and old["const"] != new["const"]:
            return [f"{where}: const changed from {old['const']!r} to {new['const']!r}"]
        removed = [v for v in old_v if v not in new_v]
        added = [v for v in new_v if v not in old_v]
        problems = [f"{where}: enum values removed: {removed!r}"] if removed else []
        if added and not open_enum:
            problems.append(
                f"{where}: enum values added: {added!r} (consumers of the closed enum refuse"
                f" them; mark it {OPEN_ENUM} in a version first, or add a v2 event)"
            )
        return problems

    @staticmethod
    def _compare_bounds(old: Schema, new: Schema, where: str) -> list[str]:
        problems = []
        for kw in _EXACT:
            if kw in new and old.get(kw) != new[kw]:
                verb = "changed" if kw in old else "added"
                problems.append(f"{where}: {kw} {verb} ({old.get(kw)!r} -> {new[kw]!r})")
        for kw in _UPPER_BOUNDS:
            if kw in new and (kw not in old or new[kw] < old[kw]):
                problems.append(f"{where}: {kw} tightened ({old.get(kw)!r} -> {new[kw]!r})")
        for kw in _LOWER_BOUNDS:
            if kw in new and (kw not in old or new[kw] > old[kw]):
                problems.append(f"{where}: {kw} tightened ({old.get(kw)!r} -> {new[kw]!r})")
        return problems

    def _compare_objects(self, old: Schema, new: Schema, where: str) -> list[str]:
        problems = []
        old_props: Schema = old.get("properties", {})
        new_props: Schema = new.get("properties", {})
        base = "" if where == "$" else f"{where}."
        for name, old_prop in old_props.items():
            if name not in new_props:
                problems.append(f"{base}{name}: property removed")
            else:
                problems += self.compare(old_prop, new_props[name], f"{base}{name}")
        newly_required = set(new.get("required", ())) - set(old.get("required", ()))
        for name in sorted(newly_required):
            problems.append(f"{base}{name}: now required")
        old_extra, new_extra = (
            old.get("additionalProperties", True),
            new.get("additionalProperties"),
        )
        if new_extra is False and old_extra is not False:
            problems.append(f"{where}: additional properties no longer allowed")
        elif isinstance(old_extra, dict) and isinstance(new_extra, dict):
            problems += self.compare(old_extra, new_extra, f"{base}*")
        return problems


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Lists the breaking changes from ``old_schema`` to ``new_schema`` (empty if compatible)."""
    problems = _Comparer(old_schema, new_schema).compare(old_schema, new_schema, "$")
    return list(dict.fromkeys(problems))
