"""The decision state machine: who may be decided, once, and what a decision produces."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.enums import RecipientStatus
from review.domain import decision
from review.domain.case import (
    Approval,
    Case,
    CaseStatus,
    ItemRequest,
    NeedAssessment,
    Rejection,
    StateConflict,
)
from review.domain.events import (
    application_rejected,
    catalogue_from,
    file_event,
    recipient_approved,
)

pytestmark = pytest.mark.unit

NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
APPROVAL = Approval(
    need_assessment=NeedAssessment(
        self_care_level="severe", need_categories=("life_care", "cleaning"), notes="独居"
    ),
    items=(
        ItemRequest.model_validate(
            {
                "item_code": "LC-03",
                "mode": "government_purchase",
                "frequency": {"times": 1, "per": "day"},
                "funding_source": "home_elderly_care",
            }
        ),
        ItemRequest.model_validate(
            {
                "item_code": "CL-01",
                "mode": "neighbour_mutual_aid",
                "frequency": {"times": 2, "per": "month"},
                "funding_source": "other_service_aid",
            }
        ),
    ),
    effective_date=date(2024, 6, 3),
)
REJECTION = Rejection(reason_code="no_service_need", reason_zh="经核实暂无服务需求")


def build(s: Any, *events: Any) -> Case:
    case = Case(application_id=s.application_id, person_id=s.person_id)
    for event in events:
        case = file_event(case, event)
    return case


def approve(case: Case, catalogue: Callable[..., Any]) -> tuple[Case, Any]:
    return decision.approve(
        case,
        APPROVAL,
        catalogue_from(catalogue()),
        recipient_id=uuid.uuid4(),
        decided_by="u-officer",
        at=NOW,
    )


def test_status_follows_the_facts(story: Callable[..., Any]) -> None:
    s = story()
    assert build(s).status is CaseStatus.AWAITING_REGISTRATION
    assert build(s, s.registered()).status is CaseStatus.AWAITING_SURVEY
    assert build(s, s.registered(), s.completed()).status is CaseStatus.AWAITING_SURVEY
    assert build(s, s.registered(), s.passed()).status is CaseStatus.AWAITING_DECISION
    assert build(s, s.registered(), s.failed()).status is CaseStatus.AWAITING_DECISION
    assert build(s, s.registered(), s.passed(), s.withdrawn()).status is CaseStatus.WITHDRAWN


def test_no_decision_before_the_preliminary_review(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story()
    case = build(s, s.registered(), s.completed())
    with pytest.raises(StateConflict) as refused:
        approve(case, catalogue)
    assert refused.value.code == "preliminary_review_pending"
    with pytest.raises(StateConflict, match="初审"):
        decision.reject(case, REJECTION, decided_by="u-officer", at=NOW)


def test_no_decision_on_a_withdrawn_or_unregistered_case(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story()
    with pytest.raises(StateConflict) as withdrawn:
        approve(build(s, s.registered(), s.passed(), s.withdrawn()), catalogue)
    assert withdrawn.value.code == "application_withdrawn"
    with pytest.raises(StateConflict) as unregistered:
        approve(build(s, s.completed(), s.passed()), catalogue)
    assert unregistered.value.code == "application_not_registered"


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_a_case_is_decided_once(
    first: str, second: str, story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story()
    case = build(s, s.registered(), s.completed(), s.passed())
    decided = (
        approve(case, catalogue)[0]
        if first == "approve"
        else decision.reject(case, REJECTION, decided_by="u-officer", at=NOW)
    )

    def decide_again() -> object:
        if second == "approve":
            return approve(decided, catalogue)
        return decision.reject(decided, REJECTION, decided_by="u-other", at=NOW)

    with pytest.raises(StateConflict) as again:
        decide_again()
    assert again.value.code == "already_decided"
    assert again.value.extra["decision"] == ("approved" if first == "approve" else "rejected")


def test_a_failed_preliminary_review_can_still_be_approved_or_rejected(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story()
    case = build(s, s.registered(), s.failed())
    assert approve(case, catalogue)[0].status is CaseStatus.APPROVED
    rejected = decision.reject(case, REJECTION, decided_by="u-officer", at=NOW)
    assert rejected.status is CaseStatus.REJECTED


def test_late_survey_and_withdrawal_events_do_not_undo_a_decision(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story()
    decided, _ = approve(build(s, s.registered(), s.passed()), catalogue)
    later = file_event(file_event(decided, s.failed(version=9)), s.withdrawn())
    assert later == decided
    assert later.status is CaseStatus.APPROVED


def test_approval_creates_an_active_recipient_at_version_1_and_announces_it(
    story: Callable[..., Any], catalogue: Callable[..., Any]
) -> None:
    s = story(village_code="341702100202")
    decided, recipient = approve(build(s, s.registered(), s.completed(), s.passed()), catalogue)
    assert decided.decision is not None and decided.decision.recipient_id == recipient.recipient_id
    assert recipient.status is RecipientStatus.ACTIVE and recipient.status_version == 1
    assert recipient.status_effective_date == recipient.admitted_on == date(2024, 6, 3)
    assert (recipient.county_code, recipient.township_code, recipient.village_code) == (
        "341702",
        "341702100",
        "341702100202",
    )
    event = recipient_approved(recipient)
    assert event.subject_key == str(s.person_id) and event.version == 1
    assert event.application_id == s.application_id and event.household_id == s.household_id
    assert [i.item_code for i in event.approved_items] == ["LC-03", "CL-01"]
    assert event.approved_items[1].service_category.value == "cleaning"
    assert event.self_care_level is not None and event.self_care_level.value == "severe"
    assert event.need_categories == APPROVAL.need_assessment.need_categories
    assert event.display_name == "张*三" and event.catalogue_version == 1
    assert "独居" not in event.model_dump_json()  # assessment notes stay in review


def test_rejection_is_announced_with_its_reason(story: Callable[..., Any]) -> None:
    s = story()
    rejected = decision.reject(
        build(s, s.registered(), s.passed()), REJECTION, decided_by="u-officer", at=NOW
    )
    event = application_rejected(rejected)
    assert (event.application_id, event.reason_code.value, event.decided_by) == (
        s.application_id,
        "no_service_need",
        "u-officer",
    )
