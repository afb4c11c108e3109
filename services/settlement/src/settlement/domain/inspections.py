"""Inspections at three levels (检查督查): who inspects at which level, what a visit names.

County, township and village staff visit a person, an order, a provider or one service
record, planned or unannounced, and record what they found. The level comes from the
inspector's role; village staff inspect only in their own village. A failed finding on a
service record takes it out of payment by the spot-check path (``handlers.billing.recheck``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date

from contracts import divisions
from contracts.enums import Role
from contracts.kinds import SpotCheckOutcome
from contracts.supervision import ComplaintOutcome, InspectionKind, SupervisionLevel


class InspectionRuleError(ValueError):
    """An inspection breaks a rule; ``kind`` says how it is answered (invalid → 422 ...)."""

    def __init__(self, kind: str, code: str, message_zh: str, field: str | None = None) -> None:
        super().__init__(message_zh)
        self.kind, self.code, self.message_zh, self.field = kind, code, message_zh, field


#: The inspector's level by role, the highest first (a user holding two acts at the higher).
_LEVELS: tuple[tuple[Role, SupervisionLevel], ...] = (
    (Role.COUNTY_OFFICER, SupervisionLevel.COUNTY),
    (Role.TOWNSHIP_OFFICER, SupervisionLevel.TOWNSHIP),
    (Role.VILLAGE_STAFF, SupervisionLevel.VILLAGE),
    (Role.COORDINATOR, SupervisionLevel.VILLAGE),
)
#: Roles that record inspections.
INSPECTORS: tuple[Role, ...] = tuple(dict.fromkeys(role for role, _ in _LEVELS))


def level_of(roles: Iterable[Role]) -> SupervisionLevel:
    """The level an inspector with these roles inspects at."""
    held = set(roles)
    for role, level in _LEVELS:
        if role in held:
            return level
    raise InspectionRuleError("forbidden", "role_forbidden", "当前角色不能登记检查督查")


@dataclass(frozen=True)
class Subject:
    """What a visit names, or what one named thing says about itself (ids and its place)."""

    person_id: uuid.UUID | None = None
    recipient_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None
    record_id: uuid.UUID | None = None
    county_code: str | None = None
    township_code: str | None = None
    village_code: str | None = None

    @property
    def names_something(self) -> bool:
        """True when a person, recipient, order, provider or record is named."""
        ids = (self.person_id, self.recipient_id, self.order_id, self.provider_id)
        return any(x is not None for x in (*ids, self.record_id))


_FIELD_ZH = {
    "person_id": "服务对象",
    "recipient_id": "救助对象",
    "order_id": "服务工单",
    "provider_id": "服务供给主体",
    "record_id": "服务记录",
    "county_code": "县(区)",
    "township_code": "乡镇(街道)",
    "village_code": "村(社区)",
}


def agree(named: Subject, found: Iterable[Subject]) -> Subject:
    """The visit's subject: what was named and what the named things say, which must agree."""
    merged = named
    for fact in found:
        for field in fields(Subject):
            mine, theirs = getattr(merged, field.name), getattr(fact, field.name)
            if theirs is None:
                continue
            if mine is not None and mine != theirs:
                raise InspectionRuleError(
                    "invalid",
                    "inspection_targets_disagree",
                    f"所填对象不一致：{_FIELD_ZH[field.name]}与其他所填信息不符",
                    f"body.{field.name}",
                )
            merged = replace(merged, **{field.name: theirs})
    return merged


def place(subject: Subject, level: SupervisionLevel, inspector_division: str | None) -> Subject:
    """The subject with its county and township filled; a village inspector's own village."""
    township = subject.township_code
    if township is None and level is SupervisionLevel.TOWNSHIP and inspector_division:
        township = divisions.township_of(inspector_division)
    if township is None:
        raise InspectionRuleError(
            "invalid",
            "inspection_place_unknown",
            "无法确定检查地点：请填写乡镇(街道)，或指明服务对象、工单或服务记录",
            "body.township_code",
        )
    if level is SupervisionLevel.VILLAGE and subject.village_code != inspector_division:
        raise InspectionRuleError(
            "forbidden", "outside_own_village", "村(社区)工作人员只能检查本村(社区)的服务"
        )
    known = divisions.get(township)
    if known is None or known.level is not divisions.DivisionLevel.TOWNSHIP:
        raise InspectionRuleError(
            "invalid", "unknown_township", "不是本市的乡镇(街道)", "body.township_code"
        )
    return replace(subject, township_code=township, county_code=divisions.county_of(township))


def is_failed(outcome: SpotCheckOutcome) -> bool:
    """Anything but confirmed fails (the spot checks' rule)."""
    return outcome is not SpotCheckOutcome.CONFIRMED


def check_day(checked_on: date, today: date) -> None:
    """A visit is recorded on or after its day (Chizhou), never ahead of it."""
    if checked_on > today:
        raise InspectionRuleError(
            "invalid", "checked_on_in_future", "检查日期不能晚于今天", "body.checked_on"
        )


@dataclass(frozen=True)
class Inspection:
    """A recorded visit and its finding; ``findings`` is the inspector's free text."""

    inspection_id: uuid.UUID
    supervision_level: SupervisionLevel
    kind: InspectionKind
    county_code: str
    township_code: str
    village_code: str | None
    person_id: uuid.UUID | None
    recipient_id: uuid.UUID | None
    order_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    record_id: uuid.UUID | None
    outcome: SpotCheckOutcome
    findings: str
    disallowed_fen: int
    checked_by: str
    checked_on: date

    @property
    def failed(self) -> bool:
        """True when the visit found fault."""
        return is_failed(self.outcome)


@dataclass(frozen=True)
class InspectionFilter:
    """Which inspections a list shows: the caller's division, narrowed by the query."""

    division_code: str
    level: SupervisionLevel | None = None
    village_code: str | None = None
    provider_id: uuid.UUID | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True)
class ComplaintRecord:
    """What settlement keeps of a resolved complaint (no words of the complainant)."""

    complaint_id: uuid.UUID
    provider_id: uuid.UUID | None
    record_id: uuid.UUID | None
    county_code: str | None
    township_code: str
    category: str
    outcome: ComplaintOutcome
    overdue: bool
    resolved_on: date
    version: int

    @property
    def substantiated(self) -> bool:
        """True when the provider was at fault, wholly or in part."""
        return self.outcome.substantiated

    @property
    def reverses_record(self) -> bool:
        """True when it takes its service record out of payment."""
        return self.substantiated and self.record_id is not None
