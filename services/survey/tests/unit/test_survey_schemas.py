"""Request validation with codes and Chinese messages, codes-only events, a documented API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from civic.asyncapi import DOCS_ENV
from contracts.enums import RecipientCategory
from contracts.registry import parse
from survey.api import mapping
from survey.domain import SurveyTask, TaskStatus, Team, events
from survey.main import create_app
from survey.schemas import FindingsIn, PreliminaryReviewIn, TeamIn
from survey.schemas.findings import FINDINGS_EXAMPLE
from survey.settings import Settings

pytestmark = pytest.mark.unit

VALID_ID = "341702199003070014"


def error_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    (error,) = exc.value.errors()
    return error


def findings(**changes: Any) -> dict[str, Any]:
    return {**FINDINGS_EXAMPLE, **changes}


def test_the_same_person_twice_is_refused_with_a_code_and_a_chinese_message() -> None:
    with pytest.raises(ValidationError) as exc:
        TeamIn(village_staff_id="u-1", coordinator_id="u-1")
    error = error_of(exc)
    assert error["type"] == "same_person_twice" and error["loc"] == ("coordinator_id",)
    assert "两名不同人员" in error["ctx"]["message_zh"]


def test_a_household_member_id_number_is_checked_by_its_check_character() -> None:
    bad = VALID_ID[:-1] + "5"
    members = [{"name": "张三", "relation": "本人", "id_number": bad}]
    with pytest.raises(ValidationError) as exc:
        FindingsIn.model_validate(findings(household_members=members))
    assert error_of(exc)["type"] == "bad_check_char"
    members[0]["id_number"] = VALID_ID
    assert FindingsIn.model_validate(findings(household_members=members)).household_members


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"confirmed_by": ["u-1", "u-1"]}, "confirmation_incomplete"),
        ({"confirmed_by": ["u-1"]}, "too_short"),
        (
            {"care_needs": [{"service_category": "cleaning"}, {"service_category": "cleaning"}]},
            "duplicate_value",
        ),
        ({"self_care_level": "bedridden"}, "enum"),
        ({"location": {"latitude": 91, "longitude": 117}}, "less_than_equal"),
        ({"visited_at": "2024-05-06T09:30:00"}, "timezone_aware"),
        ({"diagnosis": "x"}, "extra_forbidden"),
    ],
)
def test_findings_are_validated_field_by_field(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        FindingsIn.model_validate(findings(**changes))
    assert error_of(exc)["type"] == code


def test_a_fail_with_other_needs_a_written_reason_and_a_known_reason_gets_its_label() -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(PreliminaryReviewIn)
    with pytest.raises(ValidationError) as exc:
        adapter.validate_python({"outcome": "failed", "reason_code": "other"})
    assert error_of(exc)["type"] == "reason_required"
    failed = adapter.validate_python({"outcome": "failed", "reason_code": "not_reachable"})
    assert failed.reason_text == "多次入户未见本人"
    with pytest.raises(ValidationError):
        adapter.validate_python(
            {"outcome": "passed", "recommended_category": "dibao", "recommended_item_codes": []}
        )


def test_survey_completed_carries_codes_and_no_free_text_or_personal_data() -> None:
    now = datetime(2024, 5, 6, 3, 0, tzinfo=UTC)
    task = SurveyTask(
        survey_id=uuid.uuid4(), application_id=uuid.uuid4(), person_id=uuid.uuid4(),
        household_id=uuid.uuid4(), county_code="341702", township_code="341702100",
        village_code="341702100201", display_name="张*三", category=RecipientCategory.DIBAO,
        special_conditions=(), requested_item_codes=(), need_categories=("life_care",),
        household_size=1, application_version=2, due_date=date(2024, 5, 13), created_at=now,
        updated_at=now, status=TaskStatus.FINDINGS_SUBMITTED, version=3,
        team=Team("u-village-01", "u-coordinator-01", assigned_by="u-village-01", assigned_at=now),
    )  # fmt: skip
    members = [{"name": "张三", "relation": "本人", "id_number": VALID_ID}]
    cmd = FindingsIn.model_validate(findings(household_members=members))
    event = events.survey_completed(task, mapping.findings_upload(cmd), correlation_id=None)
    wire = event.to_json_bytes().decode()
    for private in ("张三", VALID_ID, "高血压", "独居平房", "低保金", "photos/", "30.66"):
        assert private not in wire
    parsed = parse("survey.surveys.v1", wire)
    assert parsed == event
    assert event.visited_on == date(2024, 5, 6) and event.household_size == 1
    assert [n.item_codes for n in event.care_needs] == [("LC-01", "LC-03"), ("CL-01",)]


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    return schema.get("properties", {})


def test_the_openapi_documents_every_field_and_every_error() -> None:
    # Documenting loads no key: the master-key folder is never read.
    app = create_app(Settings.model_validate({**DOCS_ENV, "sealing_master_keys_dir": "."}))
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    ours = [
        n
        for n in schemas
        if n not in ("Problem", "FieldError", "HTTPValidationError", "ValidationError")
    ]
    undocumented = [
        f"{name}.{field}"
        for name in ours
        for field, prop in _properties(schemas[name]).items()
        if not prop.get("description")
    ]
    assert undocumented == []
    for name in ("TaskStatus", "SelfCareLevel", "PreliminaryFailReason"):
        assert schemas[name]["enum"] and schemas[name].get("description")
    routes = {
        (p, m): op
        for p, ops in spec["paths"].items()
        if p.startswith("/survey-tasks")
        for m, op in ops.items()
    }
    assert len(routes) == 5
    for op in routes.values():
        assert {"401", "403", "404", "409", "422"} <= set(op["responses"])
        assert op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Problem"
        )
        assert op.get("description") and op.get("summary")
    for body in ("TeamIn", "FindingsIn", "PreliminaryPass", "PreliminaryFail"):
        assert schemas[body].get("examples"), body
