"""Pure rules of intake: status transitions, validation rules, classification, events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest

from contracts.enums import Channel, RecipientCategory, ServiceCategory, SpecialCondition
from contracts.reasons import WithdrawalReason
from contracts.settlement import version_in_force
from intake.domain import events
from intake.domain.model import (
    Catalogue,
    CatalogueEntry,
    Claim,
    MemberDetails,
    PersonDetails,
    Relation,
    advance,
    new_application,
)
from intake.domain.rules import (
    InvalidApplication,
    age_on,
    check_channel,
    check_conditions_against_age,
    check_draft,
    check_household,
    check_needs,
    check_village,
    choose_household,
    classify,
    mask_phone,
    resolve_items,
)
from intake.domain.status import (
    ApplicationStatus as S,
)
from intake.domain.status import (
    StateConflict,
    Step,
    ensure_can_register,
    ensure_can_withdraw,
    next_status,
)

from .builders import draft, id_number

pytestmark = pytest.mark.unit

LC01 = CatalogueEntry("LC-01", "居家照料", ServiceCategory.LIFE_CARE)
LC03 = CatalogueEntry("LC-03", "供餐送餐", ServiceCategory.LIFE_CARE)
CL01 = CatalogueEntry("CL-01", "清洁卫生", ServiceCategory.CLEANING)
HC01 = CatalogueEntry("HC-01", "健康护理", ServiceCategory.HEALTH_CARE)


def catalogue(version: int, effective: date, *entries: CatalogueEntry) -> Catalogue:
    return Catalogue("341702", version, effective, {e.item_code: e for e in entries})


# --- status transitions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "step", "expected"),
    [
        (S.REGISTERED, Step.SURVEY_SCHEDULED, S.SURVEYING),
        (S.SURVEYING, Step.PRELIMINARY_PASSED, S.PRELIMINARY_PASSED),
        (S.SURVEYING, Step.PRELIMINARY_FAILED, S.PRELIMINARY_FAILED),
        (S.PRELIMINARY_PASSED, Step.APPROVED, S.APPROVED),
        (S.PRELIMINARY_FAILED, Step.REJECTED, S.REJECTED),
        (S.SUBMITTED, Step.REJECTED, S.REJECTED),
    ],
)
def test_news_moves_an_open_application_forward(current: S, step: Step, expected: S) -> None:
    assert next_status(current, step) is expected


@pytest.mark.parametrize("current", [S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_a_closed_application_ignores_later_news(current: S) -> None:
    for step in Step:
        assert next_status(current, step) is None


def test_progress_never_moves_backwards() -> None:
    assert next_status(S.PRELIMINARY_PASSED, Step.SURVEY_SCHEDULED) is None
    assert next_status(S.SURVEYING, Step.SURVEY_SCHEDULED) is None  # nothing changes


@pytest.mark.parametrize(
    ("survey_version", "expected"),
    [
        (2, None),
        (3, None),
        (4, S.PRELIMINARY_FAILED),  # a newer verdict of the same survey replaces the older one
    ],
)
def test_an_older_version_of_the_followed_survey_is_ignored(
    survey_version: int, expected: S | None
) -> None:
    survey = uuid.uuid4()
    held: dict[str, Any] = {"held_survey_id": survey, "held_survey_version": 3}
    found = next_status(
        S.PRELIMINARY_PASSED,
        Step.PRELIMINARY_FAILED,
        survey_id=survey,
        survey_version=survey_version,
        **held,
    )
    assert found is expected


def test_registration_is_only_from_submitted() -> None:
    ensure_can_register(S.SUBMITTED)
    for status in set(S) - {S.SUBMITTED}:
        with pytest.raises(StateConflict) as caught:
            ensure_can_register(status)
        assert caught.value.code == "not_awaiting_registration"
        assert status.label_zh in caught.value.message_zh


def test_withdrawal_until_decided() -> None:
    for status in (
        S.SUBMITTED,
        S.REGISTERED,
        S.SURVEYING,
        S.PRELIMINARY_PASSED,
        S.PRELIMINARY_FAILED,
    ):
        ensure_can_withdraw(status)
    for status, code in (
        (S.APPROVED, "already_decided"),
        (S.REJECTED, "already_decided"),
        (S.WITHDRAWN, "already_withdrawn"),
    ):
        with pytest.raises(StateConflict) as caught:
            ensure_can_withdraw(status)
        assert caught.value.code == code


def test_advance_bumps_the_version_and_extends_the_timeline() -> None:
    at = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    app = new_application(
        draft(),
        person_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        items=(LC01,),
        needs=(ServiceCategory.LIFE_CARE,),
        submitted_by="u1",
        submitted_by_role="applicant_app",
        at=at,
    )
    moved = advance(app, S.REGISTERED, at=at, note_zh="已受理")
    assert (app.version, moved.version) == (1, 2)
    assert [s.status for s in moved.timeline] == [S.SUBMITTED, S.REGISTERED]
    assert moved.status_note_zh == "已受理" and app.status is S.SUBMITTED
    assert (app.county_code, app.township_code) == ("341702", "341702100")


# --- classification and the catalogue ----------------------------------------------------


def test_needs_are_the_items_categories_plus_named_ones_in_list_order() -> None:
    assert classify([CL01, LC03, LC01]) == (ServiceCategory.LIFE_CARE, ServiceCategory.CLEANING)
    assert classify([CL01], [ServiceCategory.CAPABILITY_BUILDING, ServiceCategory.LIFE_CARE]) == (
        ServiceCategory.LIFE_CARE,
        ServiceCategory.CLEANING,
        ServiceCategory.CAPABILITY_BUILDING,
    )
    assert classify([]) == ()


def test_the_one_rule_picks_the_catalogue_in_force_latest_effective_not_after_the_day() -> None:
    v1 = catalogue(1, date(2024, 1, 1), LC01)
    v2 = catalogue(2, date(2024, 6, 1), LC01, CL01)
    v3 = catalogue(3, date(2025, 1, 1), LC01, CL01, HC01)
    assert version_in_force([v3, v1, v2], date(2024, 5, 31)) is v1
    assert version_in_force([v3, v1, v2], date(2024, 6, 1)) is v2
    assert version_in_force([v1], date(2023, 12, 31)) is None
    fixed = catalogue(4, date(2024, 6, 1), LC01)  # a correction on the same day wins by version
    assert version_in_force([v2, fixed], date(2024, 7, 1)) is fixed


def test_unknown_items_are_named_by_position() -> None:
    cat = catalogue(1, date(2024, 1, 1), LC01, CL01)
    assert resolve_items(["CL-01", "LC-01"], cat, "body.requested_item_codes") == (CL01, LC01)
    with pytest.raises(InvalidApplication) as caught:
        resolve_items(["LC-01", "ZZ-99", "XX-01"], cat, "body.requested_item_codes")
    assert [(v.code, v.field) for v in caught.value.violations] == [
        ("unknown_item", "body.requested_item_codes.1"),
        ("unknown_item", "body.requested_item_codes.2"),
    ]
    assert "ZZ-99" in caught.value.violations[0].message_zh


def test_items_without_a_catalogue_in_force_are_refused() -> None:
    with pytest.raises(InvalidApplication) as caught:
        resolve_items(["LC-01"], None, "body.requested_item_codes")
    assert caught.value.violations[0].code == "catalogue_not_in_force"
    assert resolve_items([], None, "f") == ()


def test_at_least_one_need() -> None:
    check_needs(Claim(RecipientCategory.DIBAO, extra_needs=(ServiceCategory.CLEANING,)), (), "f")
    with pytest.raises(InvalidApplication) as caught:
        check_needs(Claim(RecipientCategory.DIBAO), (), "body.need_categories")
    assert caught.value.violations[0].code == "needs_required"


# --- validation rules --------------------------------------------------------------------


def test_age_in_completed_years() -> None:
    assert age_on(date(1964, 5, 7), date(2024, 5, 6)) == 59
    assert age_on(date(1964, 5, 6), date(2024, 5, 6)) == 60


def test_conditions_must_agree_with_the_age_in_the_id_number() -> None:
    day = date(2024, 5, 6)
    adult, child, elder = id_number("19900307"), id_number("20150601"), id_number("19640506")
    just_under_sixty = id_number("19640507")
    assert check_conditions_against_age([SpecialCondition.MINOR], child, day, "f") == []
    assert check_conditions_against_age([SpecialCondition.DISABLED_ELDER], elder, day, "f") == []
    assert check_conditions_against_age([SpecialCondition.SERIOUSLY_ILL], adult, day, "f") == []
    minor = check_conditions_against_age(
        [SpecialCondition.MINOR], adult, day, "body.special_conditions"
    )
    assert [(v.code, v.field) for v in minor] == [
        ("condition_contradicts_age", "body.special_conditions")
    ]
    assert "18" in minor[0].message_zh
    young = check_conditions_against_age(
        [SpecialCondition.SEMI_DISABLED_ELDER], just_under_sixty, day, "f"
    )
    assert [v.code for v in young] == ["condition_contradicts_age"]


def test_apps_use_app_channels_and_staff_the_window() -> None:
    assert check_channel(Channel.WECHAT, by_applicant_app=True) == []
    assert check_channel(Channel.WANSHITONG, by_applicant_app=True) == []
    assert check_channel(Channel.WINDOW, by_applicant_app=False) == []
    assert check_channel(Channel.WINDOW, by_applicant_app=True)[0].code == "channel_not_allowed"
    assert check_channel(Channel.WECHAT, by_applicant_app=False)[0].field == "body.channel"


@pytest.mark.parametrize("code", ["341702100", "341702100299", "110105001001", "341799100201"])
def test_only_chizhou_villages(code: str) -> None:
    assert [v.code for v in check_village(code)] == ["unknown_village"]


def test_a_demo_village_is_a_chizhou_village() -> None:
    assert check_village("341702100201") == []
    assert check_village("341791001201") == []  # 九华山风景区, a local management unit


def test_a_person_appears_once_in_an_application() -> None:
    me = id_number("19500101")
    members = (
        MemberDetails(Relation.SPOUSE, "王五", id_number("19520202")),
        MemberDetails(Relation.CHILD, "张三", me),
    )
    found = check_household(draft(members=members))
    assert [(v.code, v.field) for v in found] == [
        ("duplicate_person", "body.household.members.1.id_number")
    ]


def test_check_draft_reports_every_problem_at_once() -> None:
    bad = draft(
        village_code="341702100",
        applicant=PersonDetails("张三", id_number("19900307"), None),
        claim=Claim(RecipientCategory.ORPHAN, (SpecialCondition.MINOR,)),
    )
    with pytest.raises(InvalidApplication) as caught:
        check_draft(bad, day=date(2024, 5, 6), conditions_field="body.special_conditions")
    assert {v.code for v in caught.value.violations} == {
        "unknown_village",
        "condition_contradicts_age",
    }


def test_household_ids_are_kept_when_known() -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    assert choose_household(mine, [theirs]) == mine
    assert choose_household(None, [None, theirs]) == theirs
    fresh = choose_household(None, [None])
    assert isinstance(fresh, uuid.UUID) and fresh not in (mine, theirs)


def test_phone_masking() -> None:
    assert mask_phone("13805661234") == "138****1234"
    assert mask_phone("0566-2021234") == "056****1234"
    assert mask_phone(None) is None


# --- events ------------------------------------------------------------------------------


def test_events_carry_ids_and_codes_but_never_the_id_number_or_name() -> None:
    d = draft(members=(MemberDetails(Relation.SPOUSE, "王秀兰", id_number("19520202")),))
    app = new_application(
        d,
        person_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        items=(LC01, CL01),
        needs=classify([LC01, CL01]),
        submitted_by="wx-user-1",
        submitted_by_role="applicant_app",
        at=datetime(2024, 5, 6, tzinfo=UTC),
    )
    submitted = events.submitted(app)
    assert submitted.subject_key == str(app.person_id)
    assert submitted.household_size == 2 and submitted.requested_item_codes == ("LC-01", "CL-01")
    assert submitted.need_categories == (ServiceCategory.LIFE_CARE, ServiceCategory.CLEANING)
    registered = events.registered(advance(app, S.REGISTERED, at=app.submitted_at), officer_id="o1")
    assert registered.display_name == "张**" and registered.version == 2
    withdrawn = events.withdrawn(app, reason=WithdrawalReason.MOVED_OUT, reason_zh=None)
    found = events.discovered(app, discovery_id=uuid.uuid4())
    for event in (submitted, registered, withdrawn, found):
        wire = event.model_dump_json()
        for secret in (
            d.applicant.id_number,
            d.members[0].id_number,
            "张桂英",
            "王秀兰",
            "13805661234",
        ):
            assert secret not in wire
