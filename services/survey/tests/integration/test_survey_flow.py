"""The survey's path on real Kafka and PostgreSQL: task → team → findings → 初审 passed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts.survey import (
    PreliminaryReviewPassed,
    SurveyCompleted,
    SurveyTaskCreated,
    SurveyTeamAssigned,
)

pytestmark = pytest.mark.integration

STAFF, COORD = "u-village-01", "u-coordinator-01"
ID_NUMBER = "341702199003070014"


def findings(days_ago: int = 3, **changes: Any) -> dict[str, Any]:
    visited = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "visited_at": visited.isoformat(),
        "location": {"latitude": 30.6601, "longitude": 117.4912},
        "living_situation": {"lives_alone": True, "has_caregiver": False, "notes": "独居平房"},
        "self_care_level": "moderate",
        "confirmed_conditions": ["semi_disabled_elder"],
        "health_notes": "高血压，行动不便",
        "care_needs": [{"service_category": "life_care", "item_codes": ["LC-01"], "urgent": True}],
        "household_members": [{"name": "张三", "relation": "本人", "id_number": ID_NUMBER}],
        "identity_verified": True,
        "photo_refs": ["photos/visit-1.jpg"],
        "confirmed_by": [STAFF, COORD],
        **changes,
    }


async def test_a_registered_application_is_surveyed_and_passes_preliminary_review(survey) -> None:
    registered, task = await survey.register(occurred_at=datetime(2024, 5, 6, 17, 0, tzinfo=UTC))
    sid = task["survey_id"]
    assert task["status"] == "open" and task["village_code"] == "341702100201"
    assert task["due_date"] == "2024-05-14"  # 7 days after the registration day in Shanghai
    (created,) = await survey.events_of(sid, until="survey.SurveyTaskCreated")
    assert isinstance(created, SurveyTaskCreated)
    assert created.application_id == registered.application_id
    assert created.person_id == registered.person_id and created.version == 1
    assert created.correlation_id == str(registered.event_id)

    staff = survey.auth("village_staff", STAFF)
    team = await survey.client.put(
        f"/survey-tasks/{sid}/team",
        json={"village_staff_id": STAFF, "coordinator_id": COORD},
        headers=staff,
    )
    assert team.status_code == 200, team.text
    assert team.json()["status"] == "team_assigned" and team.json()["version"] == 2

    coordinator = survey.auth("coordinator", COORD)
    url = f"/survey-tasks/{sid}/findings/{uuid.uuid4()}"
    body = findings(days_ago=3)  # uploaded late, after days offline
    first = await survey.client.put(url, json=body, headers=coordinator)
    again = await survey.client.put(url, json=body, headers=coordinator)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == again.json()
    assert first.json()["status"] == "findings_submitted" and first.json()["version"] == 3
    assert await survey.outbox_count("survey.SurveyCompleted", sid) == 1

    review = await survey.client.post(
        f"/survey-tasks/{sid}/preliminary-review",
        json={
            "outcome": "passed",
            "recommended_category": "dibao",
            "recommended_conditions": ["semi_disabled_elder"],
            "recommended_item_codes": ["LC-01"],
            "recommended_service_categories": ["life_care"],
            "recommended_modes": ["government_purchase"],
            "notes": "建议每周上门两次",
        },
        headers=staff,
    )
    assert review.status_code == 201, review.text
    assert review.json()["status"] == "passed" and review.json()["reviewed_by"] == [STAFF, COORD]

    seen = await survey.events_of(sid, until="survey.PreliminaryReviewPassed")
    assert [type(e) for e in seen] == [
        SurveyTaskCreated,
        SurveyTeamAssigned,
        SurveyCompleted,
        PreliminaryReviewPassed,
    ]
    assert [e.version for e in seen] == [1, 2, 3, 4]  # type: ignore[attr-defined]
    completed, passed = seen[2], seen[3]
    assert isinstance(completed, SurveyCompleted) and isinstance(passed, PreliminaryReviewPassed)
    assert completed.self_care_level == "moderate" and completed.lives_alone
    assert completed.care_needs[0].item_codes == ("LC-01",) and completed.care_needs[0].urgent
    assert passed.recommended_item_codes == ("LC-01",)
    assert passed.recommended_service_categories == ("life_care",)
    assert passed.reviewed_by == (STAFF, COORD)

    detail = await survey.client.get(f"/survey-tasks/{sid}", headers=coordinator)
    assert detail.status_code == 200
    read = detail.json()
    assert read["status"] == "passed" and read["preliminary_review"]["outcome"] == "passed"
    member = read["findings"]["household_members"][0]
    assert member["id_number_masked"] == "3417**********0014"
    assert read["findings"]["health_notes"] == "高血压，行动不便"  # kept here, never in events


async def test_the_same_submission_id_with_a_different_body_is_a_conflict(survey) -> None:
    _, task = await survey.register()
    sid = task["survey_id"]
    staff = survey.auth("village_staff", STAFF)
    await survey.client.put(
        f"/survey-tasks/{sid}/team",
        json={"village_staff_id": STAFF, "coordinator_id": COORD},
        headers=staff,
    )
    url = f"/survey-tasks/{sid}/findings/{uuid.uuid4()}"
    assert (await survey.client.put(url, json=findings(), headers=staff)).status_code == 200
    changed = await survey.client.put(url, json=findings(self_care_level="severe"), headers=staff)
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["code"] == "submission_id_reused"
    other_upload = f"/survey-tasks/{sid}/findings/{uuid.uuid4()}"
    second = await survey.client.put(other_upload, json=findings(), headers=staff)
    assert second.status_code == 409 and second.json()["code"] == "findings_already_submitted"
    stored = (await survey.client.get(f"/survey-tasks/{sid}", headers=staff)).json()
    assert stored["findings"]["self_care_level"] == "moderate"
    assert await survey.outbox_count("survey.SurveyCompleted", sid) == 1
