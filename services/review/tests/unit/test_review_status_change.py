"""A recipient's status: every transition of the table, versions, dates and what goes with it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from contracts.enums import RecipientStatus, StatusSource
from contracts.reasons import StatusChangeReason
from review.domain.case import RuleViolation, StateConflict
from review.domain.decision import Recipient
from review.domain.events import status_changed
from review.domain.status import (
    SUSPENSION_EXPIRY,
    ChangeOrigin,
    StatusChange,
    change_status,
    end_of_suspension,
)
from review.schemas import STATUS_EXAMPLES, StatusChangeIn

pytestmark = pytest.mark.unit

S = RecipientStatus
ADMITTED = date(2024, 6, 1)
OFFICER = ChangeOrigin(source=StatusSource.REVIEW_OFFICER, decided_by="u-officer-1")

#: docs/status-change.md, row by row: from → the statuses a change may lead to.
ALLOWED: dict[RecipientStatus, set[RecipientStatus]] = {
    S.ACTIVE: {S.SUSPENDED, S.STOPPED, S.CATEGORY_CHANGED, S.TRANSFERRED, S.DECEASED},
    S.RESUMED: {S.SUSPENDED, S.STOPPED, S.CATEGORY_CHANGED, S.TRANSFERRED, S.DECEASED},
    S.CATEGORY_CHANGED: {S.SUSPENDED, S.STOPPED, S.CATEGORY_CHANGED, S.TRANSFERRED, S.DECEASED},
    S.TRANSFERRED: {S.SUSPENDED, S.STOPPED, S.CATEGORY_CHANGED, S.TRANSFERRED, S.DECEASED},
    S.SUSPENDED: {S.RESUMED, S.STOPPED, S.DECEASED},
    S.STOPPED: set(),
    S.DECEASED: set(),
}
TARGETS = [s for s in RecipientStatus if s is not S.ACTIVE]


def recipient(status: RecipientStatus = S.ACTIVE, **overrides: Any) -> Recipient:
    values: dict[str, Any] = {
        "recipient_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "application_id": uuid.uuid4(),
        "household_id": uuid.uuid4(),
        "category": "dibao",
        "special_conditions": (),
        "self_care_level": "moderate",
        "need_categories": ("life_care",),
        "county_code": "341702",
        "township_code": "341702100",
        "village_code": "341702100201",
        "display_name": "张*三",
        "status": status,
        "status_version": 1 if status is S.ACTIVE else 3,
        "status_effective_date": ADMITTED,
        "admitted_on": ADMITTED,
        "items": (),
        "catalogue_version": 1,
        "approved_by": "u-officer-1",
        "approved_at": datetime(2024, 5, 30, tzinfo=UTC),
    }
    return Recipient.model_validate({**values, **overrides})


def change(status: RecipientStatus, **overrides: Any) -> StatusChange:
    """A complete change to ``status``, with what that status needs."""
    needs: dict[RecipientStatus, dict[str, Any]] = {
        S.SUSPENDED: {"expected_end": date(2024, 8, 1)},
        S.CATEGORY_CHANGED: {"new_category": "tekun"},
        S.TRANSFERRED: {
            "new_county_code": "341702",
            "new_township_code": "341702101",
            "new_village_code": "341702101201",
        },
    }
    values = {
        "status": status,
        "effective_date": date(2024, 7, 1),
        "reason_code": "other",
        **needs.get(status, {}),
    }
    return StatusChange.model_validate({**values, **overrides})


def refusal_code(r: Recipient, c: StatusChange) -> str:
    with pytest.raises((StateConflict, RuleViolation)) as refused:
        change_status(r, c)
    return str(refused.value.code)  # type: ignore[attr-defined]


@pytest.mark.parametrize("current", list(RecipientStatus), ids=str)
@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_transition_table(current: RecipientStatus, target: RecipientStatus) -> None:
    before = recipient(current)
    if target in ALLOWED[current]:
        after = change_status(before, change(target))
        assert after.status is target
        assert after.status_version == before.status_version + 1
        assert after.status_effective_date == date(2024, 7, 1)
    elif current in (S.STOPPED, S.DECEASED):
        assert refusal_code(before, change(target)) == "recipient_status_final"
    else:
        assert refusal_code(before, change(target)) == "transition_not_allowed"


def test_each_change_adds_one_version_and_the_event_carries_it() -> None:
    r = recipient()
    steps = [
        change(S.SUSPENDED, effective_date=date(2024, 7, 1)),
        change(S.RESUMED, effective_date=date(2024, 7, 20)),
        change(S.CATEGORY_CHANGED, effective_date=date(2024, 8, 1)),
        change(S.STOPPED, effective_date=date(2024, 9, 1), reason_code="assistance_stopped"),
    ]
    versions = []
    for step in steps:
        after = change_status(r, step)
        event = status_changed(r, after, step, OFFICER)
        assert (event.previous_status, event.status) == (r.status, after.status)
        assert event.subject_key == str(r.person_id) and event.decided_by == "u-officer-1"
        versions.append(event.version)
        r = after
    assert versions == [2, 3, 4, 5]
    assert r.category.value == "tekun" and r.expected_end is None


def test_a_suspension_keeps_its_expected_end_until_the_resumption() -> None:
    suspended = change_status(recipient(), change(S.SUSPENDED))
    assert suspended.expected_end == date(2024, 8, 1)
    resumed = change_status(suspended, change(S.RESUMED, effective_date=date(2024, 7, 15)))
    assert resumed.expected_end is None
    early_end = change(S.SUSPENDED, expected_end=date(2024, 7, 1))
    assert refusal_code(recipient(), early_end) == "expected_end_not_after_start"


def test_a_transfer_moves_the_recipient_and_tells_the_new_place() -> None:
    before = recipient()
    after = change_status(before, change(S.TRANSFERRED))
    assert (after.county_code, after.township_code, after.village_code) == (
        "341702",
        "341702101",
        "341702101201",
    )
    event = status_changed(before, after, change(S.TRANSFERRED), OFFICER)
    assert event.new_village_code == "341702101201" and event.new_category is None


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"new_village_code": None}, "new_place_required", "body.new_village_code"),
        ({"new_village_code": "341702101999"}, "unknown_village", "body.new_village_code"),
        ({"new_township_code": "341702100"}, "divisions_do_not_nest", "body.new_township_code"),
        (
            {"new_township_code": "341702100", "new_village_code": "341702100201"},
            "same_village",
            "body.new_village_code",
        ),
    ],
)
def test_a_transfer_needs_a_chizhou_village_that_nests(
    overrides: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        change_status(recipient(), change(S.TRANSFERRED, **overrides))
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_category_change_needs_a_different_category() -> None:
    assert refusal_code(recipient(), change(S.CATEGORY_CHANGED, new_category=None)) == (
        "new_category_required"
    )
    assert refusal_code(recipient(), change(S.CATEGORY_CHANGED, new_category="dibao")) == (
        "same_category"
    )


def test_fields_of_another_kind_of_change_are_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        change_status(recipient(), change(S.STOPPED, new_category="tekun"))
    assert (refused.value.code, refused.value.field) == (
        "field_not_applicable",
        "body.new_category",
    )


def test_the_effective_date_is_not_before_admission_nor_the_last_change() -> None:
    r = recipient()
    early = change(S.STOPPED, effective_date=date(2024, 5, 31))
    assert refusal_code(r, early) == "effective_before_admission"
    suspended = change_status(r, change(S.SUSPENDED, effective_date=date(2024, 7, 10)))
    stale = change(S.RESUMED, effective_date=date(2024, 7, 9))
    assert refusal_code(suspended, stale) == "effective_before_last_change"
    same_day = change_status(suspended, change(S.RESUMED, effective_date=date(2024, 7, 10)))
    assert same_day.status_version == 3


def test_the_reason_is_carried_as_given() -> None:
    c = change(S.STOPPED, reason_code="deceased", reason_zh="本人申请退出")
    event = status_changed(recipient(), change_status(recipient(), c), c, OFFICER)
    assert event.reason_code is StatusChangeReason.DECEASED and event.reason_zh == "本人申请退出"
    assert event.source is StatusSource.REVIEW_OFFICER


@pytest.mark.parametrize("name", sorted(STATUS_EXAMPLES))
def test_the_documented_examples_are_accepted(name: str) -> None:
    body = StatusChangeIn.model_validate(STATUS_EXAMPLES[name]["value"])
    after = change_status(recipient(), body.to_domain())
    assert after.status.value == STATUS_EXAMPLES[name]["value"]["status"]


def test_a_note_with_a_phone_number_is_refused_before_it_is_published() -> None:
    with pytest.raises(ValidationError) as refused:
        StatusChangeIn.model_validate(
            {**STATUS_EXAMPLES["stop"]["value"], "reason_zh": "电话13805661234"}
        )
    assert refused.value.errors()[0]["type"] == "personal_data_in_reason"
    with pytest.raises(ValidationError):
        StatusChangeIn.model_validate({**STATUS_EXAMPLES["stop"]["value"], "status": "active"})


def test_a_suspension_ends_on_its_expected_day_as_a_resume() -> None:
    suspended = recipient(S.SUSPENDED, expected_end=date(2024, 8, 1))
    change = end_of_suspension(suspended)
    after = change_status(suspended, change)
    assert (after.status, after.status_version, after.status_effective_date) == (
        S.RESUMED,
        4,
        date(2024, 8, 1),
    )
    event = status_changed(suspended, after, change, SUSPENSION_EXPIRY)
    assert (event.reason_code, event.decided_by) == (
        StatusChangeReason.ASSISTANCE_RESUMED,
        "review:suspension-expiry",
    )


@pytest.mark.parametrize(
    ("state", "expected_end"), [(S.SUSPENDED, None), (S.ACTIVE, None), (S.STOPPED, None)]
)
def test_only_a_suspension_with_an_expected_end_ends_by_itself(
    state: RecipientStatus, expected_end: date | None
) -> None:
    with pytest.raises(StateConflict) as refused:
        end_of_suspension(recipient(state, expected_end=expected_end))
    assert refused.value.code == "no_suspension_to_end"
