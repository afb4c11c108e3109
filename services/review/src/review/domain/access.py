"""Which cases and recipients a caller's jurisdiction covers. Pure: no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from contracts import divisions
from contracts.divisions import DivisionLevel


@dataclass(frozen=True)
class Scope:
    """A jurisdiction as a filter: the level of the caller's division and its code."""

    level: DivisionLevel
    code: str


def scope_of(division: str | None) -> Scope | None:
    """The scope of a caller's division, or None when it is missing or not in Chizhou."""
    if division is None or divisions.get(division) is None:
        return None
    return Scope(divisions.level_of(division), division)


@dataclass(frozen=True)
class CaseQuery:
    """Filters and page of the review queue (status defaults to awaiting a decision)."""

    status: str | None = None
    category: str | None = None
    village_code: str | None = None
    preliminary: str | None = None
    page: int = 1
    size: int = 20


@dataclass(frozen=True)
class RecipientQuery:
    """Filters and page of the recipient registry."""

    village_code: str | None = None
    status: str | None = None
    page: int = 1
    size: int = 20
    name: str | None = None


def masked_name_pattern(typed: str) -> str:
    """A regular expression for names that begin as typed, where a stored ``*`` (a masked
    character) fits any typed one: "钟离" and "钟离小春" both find "钟离*春"."""
    return "^" + "".join(f"(?:{re.escape(char)}|\\*)" for char in typed.strip())


@dataclass(frozen=True)
class ChangeQuery:
    """Filters and page of the service change queue (state defaults to pending)."""

    state: str | None = None
    village_code: str | None = None
    recipient_id: uuid.UUID | None = None
    county_decides: bool | None = None
    page: int = 1
    size: int = 20


@dataclass(frozen=True)
class EmergencyQuery:
    """Filters and page of the emergency care queue (every state when none is asked for)."""

    state: str | None = None
    village_code: str | None = None
    page: int = 1
    size: int = 20
