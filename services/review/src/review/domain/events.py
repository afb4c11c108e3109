"""Translation between the contracts' events and the case's parts. Pure: no I/O."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from contracts.enums import RecipientStatus
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from contracts.review import (
    ApplicationRejected,
    RecipientApproved,
    RecipientServicesChanged,
    RecipientStatusChanged,
)
from contracts.settlement import CatalogueVersionPublished
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed, SurveyCompleted
from review.domain.case import (
    Case,
    Findings,
    Part,
    Preliminary,
    PreliminaryOutcome,
    Registration,
    Withdrawal,
)
from review.domain.decision import Catalogue, Recipient
from review.domain.status import ChangeOrigin, StatusChange

P = TypeVar("P", bound=Part)


def _part(kind: type[P], event: BaseModel, **fixed: Any) -> P:
    """The case's part of ``kind`` from the fields it shares with the event, and ``fixed``."""
    return kind(**fixed, **event.model_dump(include=set(kind.model_fields)))


def registration_from(event: ApplicationRegistered) -> Registration:
    """The application facts an ApplicationRegistered carries."""
    return _part(Registration, event)


def withdrawal_from(event: ApplicationWithdrawn) -> Withdrawal:
    """The withdrawal an ApplicationWithdrawn carries."""
    return _part(Withdrawal, event)


def findings_from(event: SurveyCompleted) -> Findings:
    """The findings a SurveyCompleted carries."""
    return _part(Findings, event)


def passed_from(event: PreliminaryReviewPassed) -> Preliminary:
    """A passed preliminary review with the team's recommendation."""
    return _part(Preliminary, event, outcome=PreliminaryOutcome.PASSED)


def failed_from(event: PreliminaryReviewFailed) -> Preliminary:
    """A failed preliminary review with the team's reason."""
    return _part(Preliminary, event, outcome=PreliminaryOutcome.FAILED)


#: The events that file facts on a case.
CaseEvent = (
    ApplicationRegistered
    | ApplicationWithdrawn
    | SurveyCompleted
    | PreliminaryReviewPassed
    | PreliminaryReviewFailed
)


def file_event(case: Case, event: CaseEvent) -> Case:
    """The case with one event's facts filed; stale or late facts change nothing."""
    if isinstance(event, ApplicationRegistered):
        return case.with_registration(registration_from(event))
    if isinstance(event, ApplicationWithdrawn):
        return case.with_withdrawal(withdrawal_from(event))
    if isinstance(event, SurveyCompleted):
        return case.with_findings(findings_from(event))
    if isinstance(event, PreliminaryReviewPassed):
        return case.with_preliminary(passed_from(event))
    return case.with_preliminary(failed_from(event))


def catalogue_from(event: CatalogueVersionPublished) -> Catalogue:
    """The catalogue version a CatalogueVersionPublished carries."""
    return Catalogue(
        county_code=event.county_code,
        version=event.version,
        effective_from=event.effective_from,
        items={item.item_code: item for item in event.items},
    )


def recipient_approved(recipient: Recipient, **route: Any) -> RecipientApproved:
    """What dispatch, settlement and archive learn about a new recipient (``route``: how it
    became one — route, temporary_until, medical_institution_needed — when not by review)."""
    return RecipientApproved(
        **route,
        person_id=recipient.person_id,
        recipient_id=recipient.recipient_id,
        application_id=recipient.application_id,
        household_id=recipient.household_id,
        version=recipient.status_version,
        category=recipient.category,
        special_conditions=recipient.special_conditions,
        self_care_level=recipient.self_care_level,
        need_categories=recipient.need_categories,
        county_code=recipient.county_code,
        township_code=recipient.township_code,
        village_code=recipient.village_code,
        approved_items=recipient.items,
        effective_date=recipient.admitted_on,
        display_name=recipient.display_name,
        approved_by=recipient.approved_by,
        catalogue_version=recipient.catalogue_version,
    )


def application_rejected(case: Case) -> ApplicationRejected:
    """What intake (the applicant's status) and archive learn about a rejection."""
    decision = case.decision
    assert decision is not None, "only a decided case is rejected"
    assert decision.reason_code is not None, "a rejection has a reason"
    assert decision.reason_zh is not None, "a rejection has a reason"
    return ApplicationRejected(
        person_id=case.person_id,
        application_id=case.application_id,
        reason_code=decision.reason_code,
        reason_zh=decision.reason_zh,
        decided_by=decision.decided_by,
    )


def status_changed(
    before: Recipient, after: Recipient, change: StatusChange, origin: ChangeOrigin
) -> RecipientStatusChanged:
    """What dispatch, settlement and archive learn about an accepted status change."""
    moved = after.status is RecipientStatus.TRANSFERRED
    return RecipientStatusChanged(
        person_id=after.person_id,
        recipient_id=after.recipient_id,
        status=after.status,
        previous_status=before.status,
        version=after.status_version,
        effective_date=change.effective_date,
        reason_code=change.reason_code,
        reason_zh=change.reason_zh,
        source=origin.source,
        decided_by=origin.decided_by,
        expected_end=after.expected_end,
        new_category=after.category if after.status is RecipientStatus.CATEGORY_CHANGED else None,
        new_county_code=after.county_code if moved else None,
        new_township_code=after.township_code if moved else None,
        new_village_code=after.village_code if moved else None,
    )


def services_changed(after: Recipient, change_id: Any, **facts: Any) -> RecipientServicesChanged:
    """What dispatch, settlement and archive learn about a recipient's new services (the whole
    set, the diff, why, who) — ``facts`` as the contract names them."""
    return RecipientServicesChanged(
        person_id=after.person_id,
        recipient_id=after.recipient_id,
        change_id=change_id,
        services_version=after.services_version,
        approved_items=after.items,
        **facts,
    )
