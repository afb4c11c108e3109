"""Complaints and the hotline (投诉与服务热线): who may file, the SLA, escalation, resolution.

A complaint reaches the platform from the city hotline 2212349 (staffed by township and
county officers), the applicant app, a village coordinator or a provider's own report. The
township handles it first; unanswered past its category's deadline it goes to the county,
whose deadline, once passed, leaves it overdue in the county's queue until it is resolved.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import ClassVar

from contracts import calendar
from contracts.enums import Role
from contracts.supervision import (
    ComplaintCategory,
    ComplaintOutcome,
    ComplaintSource,
    SupervisionLevel,
)

#: Hours the handling level has to answer, by category: one table, a county may change it.
#: Safety cannot wait (a fall, a fire risk, abuse): a day. A service not delivered means a
#: person went without a meal or a visit, two days. Quality, attitude and billing need the
#: provider heard and records read: three days. Eligibility and the rest go back to review's
#: files or other departments: five days. The county, once escalated, gets the same again.
SLA_HOURS: Mapping[ComplaintCategory, int] = MappingProxyType(
    {
        ComplaintCategory.SAFETY: 24,
        ComplaintCategory.SERVICE_NOT_DELIVERED: 48,
        ComplaintCategory.QUALITY: 72,
        ComplaintCategory.ATTITUDE: 72,
        ComplaintCategory.BILLING: 72,
        ComplaintCategory.ELIGIBILITY: 120,
        ComplaintCategory.OTHER: 120,
    }
)

#: The role that must act at each level.
ROLE_OF_LEVEL: Mapping[SupervisionLevel, Role] = MappingProxyType(
    {
        SupervisionLevel.TOWNSHIP: Role.TOWNSHIP_OFFICER,
        SupervisionLevel.COUNTY: Role.COUNTY_OFFICER,
    }
)


class ComplaintRefused(Exception):
    """A complaint rule refused a command: ``code`` and the Chinese message go to the caller."""

    kind: ClassVar[str] = "invalid"

    def __init__(self, code: str, message_zh: str, *, field: str | None = None) -> None:
        super().__init__(message_zh)
        self.code, self.message_zh, self.field = code, message_zh, field


class ComplaintConflict(ComplaintRefused):
    """The command does not fit the complaint as it stands (409)."""

    kind = "conflict"


class ComplaintForbidden(ComplaintRefused):
    """The caller may not do this (403)."""

    kind = "forbidden"


class ComplaintNotFound(ComplaintRefused):
    """No such complaint, or none the caller may see (404)."""

    kind = "not_found"


class ComplaintStatus(enum.StrEnum):
    """Where a complaint stands."""

    OPEN = "open"  # waiting for the handling level's answer
    RESOLVED = "resolved"  # investigated, complainant told


class NoteKind(enum.StrEnum):
    """Who wrote a step of the investigation."""

    INVESTIGATION = "investigation"  # an officer's note
    PROVIDER_RESPONSE = "provider_response"  # the provider's own account


@dataclass(frozen=True)
class Subject:
    """Whom and what a complaint concerns, once the names agree."""

    person_id: uuid.UUID
    recipient_id: uuid.UUID
    county_code: str
    township_code: str
    village_code: str
    order_id: uuid.UUID | None
    record_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    provider_code: str | None
    worker_ref: str | None


@dataclass(frozen=True)
class Complaint:
    """A complaint as stored (no free text: the words and notes are read apart, sealed)."""

    complaint_id: uuid.UUID
    version: int
    status: ComplaintStatus
    category: ComplaintCategory
    source: ComplaintSource
    person_id: uuid.UUID
    recipient_id: uuid.UUID
    county_code: str
    township_code: str
    village_code: str
    order_id: uuid.UUID | None
    record_id: uuid.UUID | None
    provider_id: uuid.UUID | None
    provider_code: str | None
    worker_ref: str | None
    supervision_level: SupervisionLevel
    respond_by: datetime
    escalated_at: datetime | None
    overdue: bool
    opened_by: str
    opened_at: datetime
    outcome: ComplaintOutcome | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolved_level: SupervisionLevel | None = None
    complainant_told_on: date | None = None

    def overdue_at(self, now: datetime) -> bool:
        """True if a deadline passed before it was answered (or is past now, still open)."""
        late_now = self.status is ComplaintStatus.OPEN and self.respond_by < now
        return self.overdue or late_now


@dataclass(frozen=True)
class Note:
    """One step of the investigation: an officer's note or the provider's response."""

    note_id: uuid.UUID
    kind: NoteKind
    author_id: str
    text_zh: str
    written_at: datetime


@dataclass(frozen=True)
class Words:
    """What the complainant said and how to call them back (sealed at rest)."""

    description_zh: str
    complainant_name: str | None
    complainant_phone: str | None
    resolution_note_zh: str | None = None


@dataclass(frozen=True)
class Resolution:
    """An officer's finding and the day the complainant was told."""

    outcome: ComplaintOutcome
    complainant_told_on: date
    note_zh: str | None = None


def sla(category: ComplaintCategory, *, hour: timedelta) -> timedelta:
    """The time the handling level has for this category (``hour``: one SLA hour)."""
    return SLA_HOURS[category] * hour


def opened(
    subject: Subject,
    *,
    complaint_id: uuid.UUID,
    category: ComplaintCategory,
    source: ComplaintSource,
    opened_by: str,
    now: datetime,
    hour: timedelta,
) -> Complaint:
    """A new complaint: the township handles it first, by its category's deadline."""
    return Complaint(
        complaint_id=complaint_id,
        version=1,
        status=ComplaintStatus.OPEN,
        category=category,
        source=source,
        **{k: getattr(subject, k) for k in Subject.__dataclass_fields__},
        supervision_level=SupervisionLevel.TOWNSHIP,
        respond_by=now + sla(category, hour=hour),
        escalated_at=None,
        overdue=False,
        opened_by=opened_by,
        opened_at=now,
    )


def escalated(complaint: Complaint, *, now: datetime, hour: timedelta) -> Complaint:
    """Past the township's deadline unanswered: the county takes it, with a deadline anew."""
    if complaint.supervision_level is not SupervisionLevel.TOWNSHIP:
        raise ComplaintConflict("already_at_county", "该投诉已由县级民政部门办理")
    return replace(
        complaint,
        version=complaint.version + 1,
        supervision_level=SupervisionLevel.COUNTY,
        respond_by=now + sla(complaint.category, hour=hour),
        escalated_at=now,
        overdue=True,
    )


def level_of(roles: frozenset[Role], complaint: Complaint) -> SupervisionLevel:
    """The level an officer acts at; a township officer only while the township handles it."""
    if Role.COUNTY_OFFICER in roles:
        return SupervisionLevel.COUNTY
    if Role.TOWNSHIP_OFFICER in roles:
        if complaint.supervision_level is SupervisionLevel.TOWNSHIP:
            return SupervisionLevel.TOWNSHIP
        raise ComplaintForbidden("escalated_to_county", "该投诉已上报县级民政部门，由县级办理")
    raise ComplaintForbidden("officer_required", "须由乡镇(街道)或县级民政部门办理")


def ensure_open(complaint: Complaint) -> None:
    """Notes, responses and a resolution need a complaint still being handled."""
    if complaint.status is not ComplaintStatus.OPEN:
        raise ComplaintConflict("complaint_resolved", "该投诉已办结，不能再作修改")


def resolved(
    complaint: Complaint,
    resolution: Resolution,
    *,
    level: SupervisionLevel,
    resolved_by: str,
    now: datetime,
    today: date,
) -> Complaint:
    """The finding, told to the complainant; overdue if any deadline had passed by now."""
    ensure_open(complaint)
    told = resolution.complainant_told_on
    if told > today:
        raise ComplaintRefused(
            "told_in_future", "告知投诉人的日期不能晚于今天", field="body.complainant_told_on"
        )
    if told < calendar.day_of(complaint.opened_at):
        raise ComplaintRefused(
            "told_before_opened",
            "告知投诉人的日期不能早于受理日期",
            field="body.complainant_told_on",
        )
    return replace(
        complaint,
        version=complaint.version + 1,
        status=ComplaintStatus.RESOLVED,
        outcome=resolution.outcome,
        resolved_by=resolved_by,
        resolved_at=now,
        resolved_level=level,
        complainant_told_on=told,
        overdue=complaint.overdue_at(now),
    )


def queue_division(division: str | None) -> str:
    """The county or township whose complaints an officer's queue shows."""
    if division is None or len(division) not in (6, 9):
        raise ComplaintForbidden("no_jurisdiction", "须为乡镇(街道)或县级民政部门账号")
    return division


def ensure_names_provider(complaint: Complaint, provider_code: str) -> None:
    """A provider reads and answers only complaints naming it (others look absent)."""
    if complaint.provider_code != provider_code:
        raise ComplaintNotFound("complaint_not_found", "未找到该投诉")


@dataclass(frozen=True)
class ComplaintFile:
    """A complaint with the complainant's words and every step of its investigation."""

    complaint: Complaint
    words: Words
    notes: list[Note]
