"""Request validation (reason codes, Chinese messages, field paths) and masked responses."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from contracts import resident_id
from contracts.enums import ServiceCategory
from intake.domain.model import CatalogueEntry, MemberDetails, Relation, new_application
from intake.schemas.requests import ApplicationCreate, DiscoveryCreate
from intake.schemas.responses import ApplicationRead

pytestmark = pytest.mark.unit

GOOD_ID = "341702195001010036"
CHILD_ID = "341702201506010021"


def body(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "channel": "wechat",
        "applicant": {"name": "张桂英", "id_number": GOOD_ID, "phone": "138 0566 1234"},
        "household": {
            "members": [{"relation": "grandchild", "name": "张小红", "id_number": CHILD_ID}]
        },
        "category": "tekun",
        "special_conditions": ["semi_disabled_elder", "semi_disabled_elder"],
        "requested_item_codes": ["LC-03", "CL-01", "LC-03"],
        "consent_to_data_use": True,
        "village_code": "341702100201",
    }
    return {**values, **overrides}


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str, str]]:
    with pytest.raises(ValidationError) as caught:
        ApplicationCreate.model_validate(data)
    return [
        (e["loc"], e["type"], (e.get("ctx") or {}).get("message_zh", ""))
        for e in caught.value.errors()
    ]


def test_a_good_body_is_normalised() -> None:
    parsed = ApplicationCreate.model_validate(body())
    draft = parsed.to_draft()
    assert draft.applicant.phone == "13805661234"
    assert draft.claim.requested_item_codes == ("LC-03", "CL-01")
    assert draft.claim.special_conditions == ("semi_disabled_elder",)
    assert draft.members[0].relation is Relation.GRANDCHILD


def test_a_lower_case_x_check_character_is_accepted_and_stored_upper() -> None:
    body17 = "11010519491231002"
    assert resident_id.check_char(body17) == "X"
    parsed = ApplicationCreate.model_validate(
        body(applicant={"name": "王五", "id_number": body17 + "x", "phone": "13805661234"})
    )
    assert parsed.applicant.id_number == body17 + "X"


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("341702195001010037", "bad_check_char"),
        ("34170219500101003", "bad_length"),
        ("34170219500101003A", "bad_format"),
        ("991702195001010036", "bad_region"),
        ("341702195002300036", "bad_birth_date"),
    ],
)
def test_each_id_problem_has_its_code_and_chinese_message(id_number: str, code: str) -> None:
    found = errors_of(
        body(applicant={"name": "张桂英", "id_number": id_number, "phone": "13805661234"})
    )
    assert found == [(("applicant", "id_number"), code, resident_id.IdProblem(code).label_zh)]


def test_a_member_id_number_is_checked_too() -> None:
    members = [{"relation": "child", "name": "李小红", "id_number": "341702201506010022"}]
    found = errors_of(body(household={"members": members}))
    assert found[0][:2] == (("household", "members", 0, "id_number"), "bad_check_char")


def test_consent_is_required() -> None:
    found = errors_of(body(consent_to_data_use=False))
    assert found[0][:2] == (("consent_to_data_use",), "consent_required")
    assert "同意" in found[0][2]


@pytest.mark.parametrize("phone", ["12345", "2380566123", "138056612345"])
def test_a_bad_phone_is_refused(phone: str) -> None:
    found = errors_of(body(applicant={"name": "张桂英", "id_number": GOOD_ID, "phone": phone}))
    assert found[0][:2] == (("applicant", "phone"), "bad_phone")


@pytest.mark.parametrize("name", ["张", "张*三", "张3"])
def test_a_bad_name_is_refused(name: str) -> None:
    found = errors_of(body(applicant={"name": name, "id_number": GOOD_ID, "phone": "13805661234"}))
    assert found[0][:2] == (("applicant", "name"), "bad_name")


def test_the_discovery_channel_cannot_be_claimed_by_an_application() -> None:
    assert errors_of(body(channel="coordinator_discovery"))[0][:2] == (
        ("channel",),
        "literal_error",
    )


def test_unknown_fields_and_empty_item_lists_are_refused() -> None:
    assert errors_of(body(surprise=1))[0][1] == "extra_forbidden"
    assert errors_of(body(requested_item_codes=[]))[0][:2] == (
        ("requested_item_codes",),
        "too_short",
    )


def test_a_discovery_needs_no_phone_and_becomes_a_coordinator_draft() -> None:
    report = DiscoveryCreate.model_validate(
        {
            "person": {"name": "王秀兰", "id_number": GOOD_ID},
            "category": "dibao",
            "need_categories": ["life_care", "life_care"],
            "village_code": "341702100201",
        }
    )
    draft = report.to_draft()
    assert draft.channel == "coordinator_discovery" and draft.applicant.phone is None
    assert draft.claim.extra_needs == (ServiceCategory.LIFE_CARE,)
    assert draft.consent_to_data_use is False


def test_responses_mask_id_numbers_and_phones() -> None:
    draft = ApplicationCreate.model_validate(body()).to_draft()
    app = new_application(
        draft,
        person_id=uuid.uuid4(),
        household_id=uuid.uuid4(),
        items=(CatalogueEntry("LC-03", "供餐送餐", ServiceCategory.LIFE_CARE),),
        needs=(ServiceCategory.LIFE_CARE,),
        submitted_by="u",
        submitted_by_role="applicant_app",
        at=datetime(2024, 5, 6, tzinfo=UTC),
    )
    shown = ApplicationRead.of(app)
    wire = shown.model_dump_json()
    assert GOOD_ID not in wire and CHILD_ID not in wire and "13805661234" not in wire
    assert shown.applicant.id_number_masked == "3417**********0036"
    assert shown.applicant.phone_masked == "138****1234"
    assert shown.household[0].id_number_masked == "3417**********0021"
    assert shown.status.label_zh == "已提交，待受理"
    assert shown.village_name_zh == "池州市贵池区殷汇镇示例一村"
    assert shown.within_service_scope is True
    assert isinstance(app.members[0], MemberDetails)
