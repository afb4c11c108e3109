"""The city system's status reports and the monthly follow-up (有进有出). Pure: no I/O."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from contracts.enums import Channel, RecipientCategory, RecipientStatus, ServiceCategory
from contracts.inbound import StatusReport
from contracts.intake import CityStatusResolved
from contracts.privacy import looks_like_id_number, looks_like_phone, mask_name
from intake.domain.model import Application, Claim, Draft, PersonDetails, new_application
from intake.domain.rules import Violation

#: The name intake holds for a person the city system admitted before anyone applied:
#: the city's report has no name; the household survey verifies who the person is.
UNKNOWN_NAME = "姓名待核实"
#: How such a name appears in lists and events that carry a masked name.
UNKNOWN_DISPLAY_NAME = "姓名*待核实"
#: The user id the follow-up submits and registers applications as.
FOLLOW_UP_USER = "system-follow-up"
FOLLOW_UP_ROLE = "system"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def shown_name(name: str) -> str:
    """The masked name for lists and events (张**), or 姓名*待核实 while the name is unknown."""
    return UNKNOWN_DISPLAY_NAME if name == UNKNOWN_NAME else mask_name(name)


@dataclass(frozen=True)
class Admission:
    """A person the city system newly admitted, recorded for the monthly follow-up."""

    person_id: uuid.UUID
    category: RecipientCategory
    county_code: str
    township_code: str | None
    village_code: str | None
    effective_date: date

    @classmethod
    def of(cls, report: StatusReport, person_id: uuid.UUID) -> Admission:
        """The follow-up's entry for the person a city report newly admits."""
        where = (report.county_code, report.township_code, report.village_code)
        return cls(person_id, report.category, *where, report.effective_date)


def external_reference(report: StatusReport) -> str:
    """``case_id:status:effective_date``: the same report sent twice has the same one."""
    return f"{report.case_id}:{report.status.value}:{report.effective_date.isoformat()}"


def check_report(report: StatusReport) -> list[Violation]:
    """Only the ID number field may hold an ID number: nothing else is forwarded with it."""
    found = []
    for name in ("case_id", "reason_code", "reason_zh"):
        text = getattr(report, name)
        if text and (looks_like_id_number(text) or looks_like_phone(text)):
            message = "该字段不得含身份证号或电话号码"
            found.append(Violation("personal_data_in_field", message, f"body.{name}"))
    return found


def resolved(report: StatusReport, *, person_id: uuid.UUID) -> CityStatusResolved:
    """The report for review: our person_id instead of the ID number, ids and codes only."""
    return CityStatusResolved(
        person_id=person_id,
        case_id=report.case_id,
        external_reference=external_reference(report),
        status=report.status,
        category=report.category,
        previous_category=report.previous_category,
        effective_date=report.effective_date,
        city_reason_code=report.reason_code,
        reason_zh=report.reason_zh,
        county_code=report.county_code,
        township_code=report.township_code,
        village_code=report.village_code,
        correlation_id=str(report.event_id),
    )


def is_admission(report: StatusReport) -> bool:
    """Whether the report says the city system newly admitted the person (active)."""
    return report.status is RecipientStatus.ACTIVE


def month_start(month: str) -> date:
    """The first day of a ``YYYY-MM`` month; ValueError for anything else."""
    found = _MONTH.match(month)
    if found is None:
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    return date(int(found.group(1)), int(found.group(2)), 1)


def follow_up_application(
    admission: Admission,
    person: PersonDetails,
    *,
    household_id: uuid.UUID,
    at: datetime,
) -> Application:
    """A new application (channel city_system) for an admitted person; every need is assessed."""
    assert admission.village_code is not None, "only a person with a known village"
    draft = Draft(
        channel=Channel.CITY_SYSTEM,
        applicant=person,
        members=(),
        claim=Claim(category=admission.category, extra_needs=tuple(ServiceCategory)),
        village_code=admission.village_code,
        consent_to_data_use=False,
    )
    return new_application(
        draft,
        person_id=admission.person_id,
        household_id=household_id,
        items=(),
        needs=tuple(ServiceCategory),
        submitted_by=FOLLOW_UP_USER,
        submitted_by_role=FOLLOW_UP_ROLE,
        at=at,
    )
