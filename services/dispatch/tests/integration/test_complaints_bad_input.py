"""Issue 19: a complaint that names what does not exist, or things that do not agree, or comes
from outside the caller's jurisdiction, is refused with a Chinese problem and stores nothing."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from .complaint_steps import complaint_body, served_meal

pytestmark = pytest.mark.integration

VILLAGE = "341702108201"
TOWNSHIP = VILLAGE[:9]
ELSEWHERE = "341702107201"


async def test_a_complaint_that_does_not_hold_together_is_refused_and_stores_nothing(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    other = await served_meal(api, bus, make, VILLAGE)
    officer = api.township(TOWNSHIP)
    cases: list[tuple[dict[str, Any], dict[str, str], int, str]] = [
        (complaint_body(meal, person_id=str(uuid.uuid4())), officer, 422, "person_not_found"),
        (complaint_body(meal, order_id=str(uuid.uuid4())), officer, 422, "order_not_found"),
        (
            complaint_body(meal, order_id=str(other.order.order_id), record_id=None),
            officer,
            422,
            "order_of_another_person",
        ),
        (
            complaint_body(meal, record_id=str(other.record_id)),
            officer,
            422,
            "record_of_another_order",
        ),
        (complaint_body(meal, order_id=None), officer, 422, "record_needs_order"),
        (complaint_body(meal, provider_code=other.code), officer, 422, "provider_not_of_order"),
        (complaint_body(meal, category="noise"), officer, 422, "enum"),
        (complaint_body(meal, description_zh="坏\x00字"), officer, 422, "invalid_character"),
        (complaint_body(meal, complainant_phone="12345"), officer, 422, "string_pattern_mismatch"),
        (complaint_body(meal, extra="x"), officer, 422, "extra_forbidden"),
        (complaint_body(meal), api.village(ELSEWHERE, "coordinator"), 403, "outside_jurisdiction"),
        (complaint_body(meal), api.township(ELSEWHERE[:9]), 403, "outside_jurisdiction"),
        (complaint_body(meal), api.provider(meal.code), 403, "role_forbidden"),
    ]
    for body, headers, status, code in cases:
        answer = await api.client.post("/complaints", json=body, headers=headers)
        assert (answer.status_code, answer.json().get("code")) == (status, code), answer.text
        assert answer.json()["title"], answer.text
    assert await probe.emitted("dispatch.ComplaintOpened", person_id=meal.person_id) == []


async def test_steps_on_a_complaint_outside_the_callers_reach_are_refused(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    body = complaint_body(meal, category="other")
    filed = await api.client.post("/complaints", json=body, headers=api.township(TOWNSHIP))
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["complaint_id"]
    elsewhere = api.township(ELSEWHERE[:9])
    for method, url, json_body in [
        ("GET", f"/complaints/{complaint_id}", None),
        ("POST", f"/complaints/{complaint_id}/notes", {"text_zh": "越权"}),
    ]:
        answer = await api.client.request(method, url, json=json_body, headers=elsewhere)
        assert (answer.status_code, answer.json()["code"]) == (403, "outside_jurisdiction")
    missing = await api.client.get(f"/complaints/{uuid.uuid4()}", headers=api.county())
    assert (missing.status_code, missing.json()["code"]) == (404, "complaint_not_found")
    late = await api.client.post(
        f"/complaints/{complaint_id}/resolution",
        json={"outcome": "withdrawn", "complainant_told_on": "2099-01-01"},
        headers=api.township(TOWNSHIP),
    )
    assert (late.status_code, late.json()["code"]) == (422, "told_in_future")
    coordinator = await api.client.get("/complaints", headers=api.village(VILLAGE, "coordinator"))
    assert coordinator.status_code == 403, coordinator.text
