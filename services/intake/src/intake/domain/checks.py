"""What an applicant app may not settle about people intake already knows (issue 16, no oracle).

An app proves nobody's identity, so it can neither learn nor change what the registry holds.
Where its application touches a registered person, intake keeps the application as any other
and notes a check (核实事项) on it; the township verifies them when it registers (受理登记).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "open_application": "该申请人已有正在办理的申请，请核实是否重复申请",
        "name_differs": "姓名与已登记信息不一致，请核对身份证件",
        "household_differs": "该人员已登记在其他家庭或尚无家庭登记，请核对户口簿",
    }
)
class CheckKind(ZhEnum):
    """What the township must verify before it registers an app's application."""

    OPEN_APPLICATION = "open_application"
    NAME_DIFFERS = "name_differs"
    HOUSEHOLD_DIFFERS = "household_differs"


@dataclass(frozen=True)
class Check:
    """One check: its kind, the registered person, and where in the application they are."""

    kind: CheckKind
    person_id: uuid.UUID
    field: str  # body.applicant or body.household.members.N
    name: str | None = None  # the name sent, for name_differs
    application_id: uuid.UUID | None = None  # the open application, for open_application

    def to_json(self) -> dict[str, str | None]:
        """The check as stored in the application's JSON column."""
        return {
            "kind": self.kind.value,
            "person_id": str(self.person_id),
            "field": self.field,
            "name": self.name,
            "application_id": str(self.application_id) if self.application_id else None,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Check:
        """Reads a check stored by ``to_json``."""
        other = raw.get("application_id")
        return cls(
            CheckKind(raw["kind"]),
            uuid.UUID(raw["person_id"]),
            raw["field"],
            raw.get("name"),
            uuid.UUID(other) if other else None,
        )


@dataclass(frozen=True)
class Registered:
    """A person as the registry holds them once looked up (or just added) by ID number."""

    person_id: uuid.UUID
    name: str
    household_id: uuid.UUID | None
    is_new: bool


@dataclass(frozen=True)
class OpenApplication:
    """A person's open application: which one, and in which village."""

    application_id: uuid.UUID
    village_code: str
