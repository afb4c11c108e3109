"""Form values ↔ the services' request bodies, and the choices a form offers (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contracts import divisions
from contracts.enums import RecipientCategory, SpecialCondition

#: The status filter of the application list (intake's ``ApplicationStatus`` codes).
APPLICATION_STATUSES = {
    "submitted": "已提交，待受理",
    "registered": "已受理登记",
    "surveying": "入户调查中",
    "preliminary_passed": "初审通过，待乡镇审核",
    "preliminary_failed": "初审未通过，待乡镇审核",
    "approved": "审核通过",
    "rejected": "审核未通过",
    "withdrawn": "已撤回",
}
CATEGORIES = dict(RecipientCategory.label_zh)
CONDITIONS = dict(SpecialCondition.label_zh)
_CODES = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class Choice:
    """One option of a select or a group of checkboxes."""

    value: str
    label: str


def villages_of(division: str | None) -> list[Choice]:
    """The villages inside a user's jurisdiction (a township's, or a county's by township)."""
    if not division or divisions.get(division) is None:
        return []
    found: list[Choice] = []
    for child in divisions.children(division):
        if len(child.code) == 12:
            found.append(Choice(child.code, child.name_zh))
        else:
            found.extend(
                Choice(v.code, f"{child.name_zh}{v.name_zh}")
                for v in divisions.children(child.code)
            )
    return found


def county_of(division: str | None) -> str | None:
    """The county of a user's jurisdiction (where the catalogue in force is kept)."""
    return divisions.county_of(division) if division else None


def item_choices(catalogue: Any) -> list[Choice]:
    """The items of settlement's catalogue version, for checkboxes."""
    items = catalogue.get("items", []) if isinstance(catalogue, dict) else []
    return [Choice(str(i["item_code"]), f"{i['name_zh']}（{i['item_code']}）") for i in items]


def _list(form: Mapping[str, Any] | Any, name: str) -> list[str]:
    if hasattr(form, "getlist"):
        return [str(v) for v in form.getlist(name) if str(v).strip()]
    value = form.get(name)
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)] if value else []


def item_codes(values: Sequence[str]) -> list[str]:
    """Item codes from checkboxes or a typed list ("LC-01, CL-01"), upper-cased, in order."""
    codes: list[str] = []
    for value in values:
        codes.extend(c.upper() for c in _CODES.split(value) if c)
    return list(dict.fromkeys(codes))


def application_body(form: Mapping[str, Any] | Any) -> dict[str, Any]:
    """The body of intake's ``POST /applications`` for an application taken at the window."""

    def text(name: str) -> str:
        return str(form.get(name) or "").strip()

    return {
        "channel": "window",
        "applicant": {
            "name": text("applicant.name"),
            "id_number": text("applicant.id_number"),
            "phone": text("applicant.phone"),
        },
        "household": {"members": []},
        "category": text("category"),
        "special_conditions": _list(form, "special_conditions"),
        "requested_item_codes": item_codes(_list(form, "requested_item_codes")),
        "consent_to_data_use": text("consent_to_data_use") == "yes",
        "village_code": text("village_code"),
    }


def form_values(form: Mapping[str, Any] | Any) -> dict[str, Any]:
    """What the user typed, to refill the form after a refusal (lists kept as lists)."""
    values: dict[str, Any] = {k: str(v) for k, v in form.items()}
    for name in ("special_conditions", "requested_item_codes"):
        values[name] = _list(form, name)
    values.pop("csrf_token", None)
    return values
