"""How a submission settles the person registry, and what the township verifies later. Pure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from intake.domain.checks import Check, CheckKind, OpenApplication, Registered
from intake.domain.model import Application, Draft
from intake.domain.rules import choose_household
from intake.domain.status import StateConflict

DUPLICATE_MESSAGE = "该申请人已有正在办理的申请，请勿重复提交"
DUPLICATE_ELSEWHERE = "该申请人已在您管辖范围以外有正在办理的申请，请联系其所在乡镇(街道)核实"


class DuplicateApplication(Exception):
    """Staff entered a person who has an open application (a 409 refusal)."""

    kind = "conflict"
    code = "open_application_exists"

    def __init__(self, other: OpenApplication, *, field: str | None, shown: bool) -> None:
        self.message_zh = DUPLICATE_MESSAGE if shown else DUPLICATE_ELSEWHERE
        super().__init__(self.message_zh)
        self.field = field
        # Only staff whose jurisdiction covers the other application learn which it is.
        self.extra = {"application_id": str(other.application_id)} if shown else {}


@dataclass(frozen=True)
class Settlement:
    """What a submission (or a verification) does to the registry, and what it leaves to check."""

    household_id: uuid.UUID
    joining: tuple[uuid.UUID, ...]  # people who now belong to household_id
    renames: tuple[tuple[uuid.UUID, str], ...]  # (person_id, name)
    checks: tuple[Check, ...] = ()

    @property
    def duplicate_of(self) -> uuid.UUID | None:
        """The open application this one is held behind, if any."""
        held = (c for c in self.checks if c.kind is CheckKind.OPEN_APPLICATION)
        return next((c.application_id for c in held), None)


@dataclass(frozen=True)
class Sent:
    """One person as an application names them: where in the body, ID number and name."""

    field: str
    id_number: str
    name: str


def people_sent(draft: Draft, person_field: str) -> list[Sent]:
    """The applicant, then each member, in the application's order."""
    members = [
        Sent(f"body.household.members.{n}", m.id_number, m.name)
        for n, m in enumerate(draft.members)
    ]
    return [Sent(person_field, draft.applicant.id_number, draft.applicant.name), *members]


def settle_by_staff(people: Sequence[Registered], sent: Sequence[Sent]) -> Settlement:
    """Staff saw the papers: names as entered, everyone in the household intake keeps."""
    household = choose_household(people[0].household_id, (p.household_id for p in people[1:]))
    renames = tuple(
        (p.person_id, s.name) for p, s in zip(people, sent, strict=True) if p.name != s.name
    )
    return Settlement(household, tuple(p.person_id for p in people), renames)


def settle_by_app(people: Sequence[Registered], sent: Sequence[Sent]) -> Settlement:
    """An app registers new people only; a registered person's name or household is a check."""
    household = people[0].household_id or uuid.uuid4()
    checks = []
    for person, one in zip(people, sent, strict=True):
        if person.is_new:
            continue
        if person.name != one.name:
            checks.append(Check(CheckKind.NAME_DIFFERS, person.person_id, one.field, one.name))
        if person.household_id != household:
            checks.append(Check(CheckKind.HOUSEHOLD_DIFFERS, person.person_id, one.field))
    joining = tuple(p.person_id for p in people if p.is_new)
    return Settlement(household, joining, (), tuple(checks))


def held_behind(
    settled: Settlement, other: OpenApplication, person_id: uuid.UUID, field: str
) -> Settlement:
    """An app's application for a person with another open one: held for the township."""
    check = Check(CheckKind.OPEN_APPLICATION, person_id, field, application_id=other.application_id)
    return replace(settled, checks=(check, *settled.checks))


def ensure_verified(app: Application, *, verified: bool) -> None:
    """An application with checks is registered only once the officer says they verified them."""
    if app.checks and not verified:
        kinds = "；".join(dict.fromkeys(c.kind.label_zh for c in app.checks))
        raise StateConflict(
            "verification_pending",
            f"该申请有待核实事项（{kinds}），核实无误后请确认已核实（checks_verified）再受理登记",
        )


def settle_verified(app: Application) -> Settlement:
    """What the township's verification confirms: the names and the household as applied for."""
    renames = tuple(
        (c.person_id, c.name)
        for c in app.checks
        if c.kind is CheckKind.NAME_DIFFERS and c.name is not None
    )
    joining = tuple(c.person_id for c in app.checks if c.kind is CheckKind.HOUSEHOLD_DIFFERS)
    return Settlement(app.household_id, joining, renames)
