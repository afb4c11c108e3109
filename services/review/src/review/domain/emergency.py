"""Emergency care (救急难): temporary services opened at once for a person whose application
review knows, time-boxed until the survey and review confirm them. Pure: no I/O."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from contracts import calendar
from contracts.enums import (
    RecipientStatus,
    SelfCareLevel,
    ServiceCategory,
    ServiceMode,
    StatusSource,
)
from contracts.labels import ZhEnum, zh_labels
from contracts.reasons import StatusChangeReason
from review.domain.case import Case, ItemRequest, Part, RuleViolation, StateConflict
from review.domain.decision import Catalogue, Recipient, approve_items, check_eligibility
from review.domain.status import ChangeOrigin, StatusChange

#: Why an unconfirmed emergency ends on its deadline (the contract's words).
EXPIRED_ZH = "临时救助期满未经审核确认"
#: Why an emergency ends when the review rejects the application.
REJECTED_ZH = "审核不予确认，临时救助终止"
#: The origin of an end no officer decided: review's own clock or its rejection.
EMERGENCY_END = ChangeOrigin(source=StatusSource.REVIEW_OFFICER, decided_by=None)


@zh_labels({"open": "临时救助中", "confirmed": "已审核确认", "ended": "已终止"})
class EmergencyState(ZhEnum):
    """Where emergency care stands."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    ENDED = "ended"


@zh_labels(
    {
        "written_signature": "本人书面签字",
        "guardian_signature": "监护人书面签字",
        "oral_witnessed": "口头同意(有见证人)",
    }
)
class ConsentMethod(ZhEnum):
    """How the person (or guardian) agreed to institutional care (按照自愿的原则)."""

    WRITTEN_SIGNATURE = "written_signature"
    GUARDIAN_SIGNATURE = "guardian_signature"
    ORAL_WITNESSED = "oral_witnessed"


class ConsentGiven(Part):
    """Consent to institutional care as reported: how and when it was given."""

    method: ConsentMethod
    given_at: datetime


class Consent(ConsentGiven):
    """Consent as kept: how and when given, and who recorded it when."""

    recorded_by: str
    recorded_at: datetime


class OpenEmergency(Part):
    """What the coordinator or officer asks for: items, how many days, and the facts."""

    application_id: uuid.UUID
    items: tuple[ItemRequest, ...]
    days: int = 30
    reason_zh: str | None = None
    medical_institution_needed: bool = False
    self_care_level: SelfCareLevel | None = None
    consent: ConsentGiven | None = None


class Emergency(Part):
    """Emergency care as kept: its recipient, deadline, consent and how it ended."""

    recipient_id: uuid.UUID
    application_id: uuid.UUID
    person_id: uuid.UUID
    county_code: str
    township_code: str
    village_code: str
    state: EmergencyState
    days: int
    reason_zh: str | None = None
    medical_institution_needed: bool
    consent: Consent | None = None
    opened_by: str
    opened_at: datetime
    deadline_at: datetime
    temporary_until: date
    ended_at: datetime | None = None
    end_reason: str | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None


def ensure_openable(case: Case) -> None:
    """Only a registered application still under review can get emergency care."""
    if case.registration is None:
        raise StateConflict("application_not_registered", "该申请尚未受理登记，不能启动临时救助")
    if case.withdrawal is not None:
        raise StateConflict("application_withdrawn", "该申请已撤回，不能启动临时救助")
    if case.decision is not None:
        raise StateConflict(
            "already_decided", f"该申请已{case.decision.kind.label_zh}，无需启动临时救助"
        )


def check_consent(items: tuple[ItemRequest, ...], consent: ConsentGiven | None) -> None:
    """Institutional care needs the person's recorded consent (按照自愿的原则)."""
    if consent is None and any(i.mode is ServiceMode.INSTITUTIONAL_CARE for i in items):
        raise RuleViolation(
            "consent_required",
            "集中供养(机构照护)须按照自愿原则，先记录本人或监护人的同意(方式与时间)",
            field="body.consent",
        )


def open_emergency(
    case: Case,
    cmd: OpenEmergency,
    catalogue: Catalogue | None,
    *,
    recipient_id: uuid.UUID,
    by: str,
    at: datetime,
    day_s: float,
) -> tuple[Recipient, Emergency]:
    """The new recipient (active today, status version 1) and its emergency record."""
    ensure_openable(case)
    reg = case.registration
    assert reg is not None
    check_eligibility(reg.category, reg.special_conditions)
    check_consent(cmd.items, cmd.consent)
    if cmd.consent is not None and cmd.consent.given_at > at:
        raise RuleViolation(
            "consent_in_future", "同意时间不能晚于当前时间", field="body.consent.given_at"
        )
    # Any category in the catalogue: the needs are assessed when the review confirms.
    items = approve_items(cmd.items, catalogue, tuple(ServiceCategory))
    today = calendar.day_of(at)
    deadline = at + timedelta(seconds=cmd.days * day_s)
    place = reg.model_dump(include={"county_code", "township_code", "village_code"})
    recipient = Recipient(
        **place,
        recipient_id=recipient_id,
        person_id=case.person_id,
        application_id=case.application_id,
        household_id=reg.household_id,
        category=reg.category,
        special_conditions=reg.special_conditions,
        self_care_level=cmd.self_care_level,
        need_categories=reg.need_categories,
        display_name=reg.display_name,
        status=RecipientStatus.ACTIVE,
        status_version=1,
        status_effective_date=today,
        admitted_on=today,
        items=items,
        catalogue_version=catalogue.version if catalogue else None,
        approved_by=by,
        approved_at=at,
    )
    emergency = Emergency(
        **place,
        recipient_id=recipient_id,
        application_id=case.application_id,
        person_id=case.person_id,
        state=EmergencyState.OPEN,
        days=cmd.days,
        reason_zh=cmd.reason_zh,
        medical_institution_needed=cmd.medical_institution_needed,
        consent=(
            Consent(**cmd.consent.model_dump(), recorded_by=by, recorded_at=at)
            if cmd.consent
            else None
        ),
        opened_by=by,
        opened_at=at,
        deadline_at=deadline,
        temporary_until=calendar.day_of(deadline),
    )
    return recipient, emergency


def ended(emergency: Emergency, *, reason_zh: str, at: datetime) -> Emergency:
    """The emergency ended (on its deadline, or by the review's rejection)."""
    return emergency.model_copy(
        update={"state": EmergencyState.ENDED, "ended_at": at, "end_reason": reason_zh}
    )


def confirmed(emergency: Emergency, *, by: str, at: datetime) -> Emergency:
    """The emergency confirmed by the township's approval of the application."""
    return emergency.model_copy(
        update={"state": EmergencyState.CONFIRMED, "confirmed_by": by, "confirmed_at": at}
    )


def stop_of(recipient: Recipient, *, reason_zh: str, today: date) -> StatusChange:
    """The stop that ends emergency care, from today (never before the last change)."""
    return StatusChange(
        status=RecipientStatus.STOPPED,
        effective_date=max(today, recipient.status_effective_date),
        reason_code=StatusChangeReason.OTHER,
        reason_zh=reason_zh,
    )
