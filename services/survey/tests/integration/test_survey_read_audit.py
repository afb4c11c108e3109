"""Issue 16: every survey route that answers with a person's data leaves a line saying who
read whose data, found by person and by user through ``/audit/reads``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.read_audit import AuditedCall, check_reads

pytestmark = pytest.mark.integration

TOWNSHIP = "341702100"
#: So early that the task heads the list, which is ordered by due date.
LONG_AGO = datetime(2001, 3, 5, 9, 0, tzinfo=UTC)


def _fresh(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _findings(team: dict[str, str]) -> dict[str, Any]:
    return {
        "visited_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "location": {"latitude": 30.66, "longitude": 117.49},
        "living_situation": {"lives_alone": True, "has_caregiver": False},
        "self_care_level": "moderate",
        "confirmed_conditions": ["semi_disabled_elder"],
        "health_notes": "行动不便",
        "household_members": [{"name": "周五", "relation": "本人"}],
        "identity_verified": True,
        "confirmed_by": [team["village_staff_id"], team["coordinator_id"]],
    }


PASSED = {
    "outcome": "passed",
    "recommended_category": "dibao",
    "recommended_conditions": ["semi_disabled_elder"],
    "recommended_item_codes": ["LC-01"],
}


async def _task(survey: Any, *, steps: int) -> tuple[dict[str, Any], dict[str, str]]:
    """A new task with a fresh team, taken ``steps`` along: 0 open, 1 team, 2 findings."""
    _, task = await survey.register(occurred_at=LONG_AGO)
    team = {"village_staff_id": _fresh("staff"), "coordinator_id": _fresh("coord")}
    url = f"/survey-tasks/{task['survey_id']}"
    if steps >= 1:
        staff = survey.auth("village_staff", team["village_staff_id"])
        assert (await survey.client.put(f"{url}/team", json=team, headers=staff)).is_success
    if steps >= 2:
        member = survey.auth("coordinator", team["coordinator_id"])
        uploaded = f"{url}/findings/{uuid.uuid4()}"
        assert (await survey.client.put(uploaded, json=_findings(team), headers=member)).is_success
    return task, team


def _auditor(survey: Any) -> dict[str, str]:
    return survey.auth("auditor", "auditor-1", "341700")


def _task_calls(survey: Any, task: dict[str, Any]) -> dict[str, AuditedCall]:
    """The list, the task, its team and the auditors' question, about one open task."""
    officer_id, staff_id, coordinator_id = _fresh("officer"), _fresh("staff"), _fresh("coord")
    officer = survey.auth("township_officer", officer_id, TOWNSHIP)
    staff = survey.auth("village_staff", staff_id)
    team = {"village_staff_id": staff_id, "coordinator_id": coordinator_id}
    client, person, url = survey.client, task["person_id"], f"/survey-tasks/{task['survey_id']}"
    return {
        "GET /survey-tasks": AuditedCall(
            lambda: client.get("/survey-tasks", params={"status": "open"}, headers=officer),
            officer_id,
            person,
        ),
        "GET /survey-tasks/{survey_id}": AuditedCall(
            lambda: client.get(url, headers=officer), officer_id, person
        ),
        "PUT /survey-tasks/{survey_id}/team": AuditedCall(
            lambda: client.put(f"{url}/team", json=team, headers=staff), staff_id, person
        ),
        "GET /audit/reads": AuditedCall(
            lambda: client.get(
                "/audit/reads", params={"person_id": person}, headers=_auditor(survey)
            ),
            "auditor-1",
            person,
        ),
    }


async def _team_calls(survey: Any) -> dict[str, AuditedCall]:
    """The upload and the 初审, each on a task taken as far as it needs."""
    # check_reads calls in key order (初审 before the upload), so each has its own task.
    visited, visitors = await _task(survey, steps=1)
    reviewed, reviewers = await _task(survey, steps=2)
    visitor = survey.auth("coordinator", visitors["coordinator_id"])
    reviewer = survey.auth("village_staff", reviewers["village_staff_id"])
    upload = f"/survey-tasks/{visited['survey_id']}/findings/{uuid.uuid4()}"
    review = f"/survey-tasks/{reviewed['survey_id']}/preliminary-review"
    client = survey.client
    return {
        "PUT /survey-tasks/{survey_id}/findings/{submission_id}": AuditedCall(
            lambda: client.put(upload, json=_findings(visitors), headers=visitor),
            visitors["coordinator_id"],
            visited["person_id"],
        ),
        "POST /survey-tasks/{survey_id}/preliminary-review": AuditedCall(
            lambda: client.post(review, json=PASSED, headers=reviewer),
            reviewers["village_staff_id"],
            reviewed["person_id"],
        ),
    }


async def test_every_route_that_reads_personal_data_leaves_a_line(survey: Any) -> None:
    fresh, _ = await _task(survey, steps=0)
    calls = {**_task_calls(survey, fresh), **await _team_calls(survey)}
    assert await check_reads(survey.client, calls, auditor=_auditor(survey)) == []


async def test_a_stranger_cannot_ask_the_auditors_questions(survey: Any) -> None:
    officer = survey.auth("township_officer", _fresh("officer"), TOWNSHIP)
    asked = await survey.client.get("/audit/reads", params={"user_id": "anyone"}, headers=officer)
    assert asked.status_code == 403
