"""Refusals change nothing; withdrawals cancel; redelivered or stale events are harmless."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from civic.messaging_tables import messaging_metadata
from contracts.intake import ApplicationRegistered, ApplicationWithdrawn
from contracts.samples import sample
from contracts.survey import PreliminaryReviewFailed
from survey.orm import metadata

pytestmark = pytest.mark.integration

STAFF, COORD, NEIGHBOUR = "u-village-11", "u-coordinator-11", "u-village-99"
TEAM = {"village_staff_id": STAFF, "coordinator_id": COORD}


def findings(**changes: Any) -> dict[str, Any]:
    return {
        "visited_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "location": {"latitude": 30.66, "longitude": 117.49},
        "living_situation": {"lives_alone": False, "has_caregiver": True},
        "self_care_level": "able",
        "household_members": [{"name": "李四", "relation": "本人"}],
        "identity_verified": True,
        "confirmed_by": [COORD, STAFF],
        **changes,
    }


async def assigned(survey: Any) -> str:
    _, task = await survey.register()
    sid = task["survey_id"]
    put = await survey.client.put(
        f"/survey-tasks/{sid}/team", json=TEAM, headers=survey.auth("village_staff", STAFF)
    )
    assert put.status_code == 200, put.text
    return str(sid)


async def test_the_same_person_twice_is_refused_and_nothing_changes(survey) -> None:
    _, task = await survey.register()
    sid = task["survey_id"]
    refused = await survey.client.put(
        f"/survey-tasks/{sid}/team",
        json={"village_staff_id": STAFF, "coordinator_id": STAFF},
        headers=survey.auth("village_staff", STAFF),
    )
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "same_person_twice"
    assert problem["errors"][0]["field"] == "body.coordinator_id"
    assert "两名不同人员" in problem["errors"][0]["message"]
    after = (
        await survey.client.get(f"/survey-tasks/{sid}", headers=survey.auth("coordinator", COORD))
    ).json()
    assert after["team"] is None and after["status"] == "open" and after["version"] == 1
    assert await survey.outbox_count("survey.SurveyTeamAssigned", sid) == 0


async def test_a_caller_from_another_village_is_refused_and_sees_nothing(survey) -> None:
    sid = await assigned(survey)
    outsider = survey.auth("village_staff", STAFF, division="341702100202")
    calls = [
        survey.client.get(f"/survey-tasks/{sid}", headers=outsider),
        survey.client.put(f"/survey-tasks/{sid}/team", json=TEAM, headers=outsider),
        survey.client.put(
            f"/survey-tasks/{sid}/findings/{uuid.uuid4()}", json=findings(), headers=outsider
        ),
        survey.client.get(
            "/survey-tasks", params={"village_code": "341702100201"}, headers=outsider
        ),
    ]
    for call in calls:
        answer = await call
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "outside_jurisdiction"
    own_list = await survey.client.get("/survey-tasks", params={"size": 100}, headers=outsider)
    assert own_list.status_code == 200
    assert sid not in {t["survey_id"] for t in own_list.json()["items"]}
    other_township = survey.auth("township_officer", "u-t2", division="341702101")
    assert (
        await survey.client.get(f"/survey-tasks/{sid}", headers=other_township)
    ).status_code == 403
    own_township = survey.auth("township_officer", "u-t1", division="341702100")
    assert (
        await survey.client.get(f"/survey-tasks/{sid}", headers=own_township)
    ).status_code == 200
    city_wide = survey.auth("township_officer", "u-city", division="341700")
    listed = await survey.client.get(
        "/survey-tasks", params={"size": 100}, headers=city_wide
    )  # no filter: the whole city, whose county codes do not extend 341700
    assert sid in {t["survey_id"] for t in listed.json()["items"]}
    applicant = survey.auth("applicant_app", "u-app", division="341702100201")
    denied = await survey.client.get(f"/survey-tasks/{sid}", headers=applicant)
    assert denied.status_code == 403 and denied.json()["code"] == "role_forbidden"
    assert await survey.outbox_count("survey.SurveyCompleted", sid) == 0


async def test_only_the_team_uploads_and_not_from_the_future(survey) -> None:
    sid = await assigned(survey)
    url = f"/survey-tasks/{sid}/findings/{uuid.uuid4()}"
    neighbour = survey.auth("village_staff", NEIGHBOUR)
    stranger = await survey.client.put(url, json=findings(), headers=neighbour)
    assert stranger.status_code == 403 and stranger.json()["code"] == "not_team_member"
    future = findings(visited_at=(datetime.now(UTC) + timedelta(days=1)).isoformat())
    ahead = await survey.client.put(url, json=future, headers=survey.auth("coordinator", COORD))
    assert ahead.status_code == 422 and ahead.json()["code"] == "visit_in_future"
    assert ahead.json()["errors"][0]["field"] == "body.visited_at"
    early = await survey.client.post(
        f"/survey-tasks/{sid}/preliminary-review",
        json={"outcome": "failed", "reason_code": "not_reachable"},
        headers=survey.auth("coordinator", COORD),
    )
    assert early.status_code == 409 and early.json()["code"] == "findings_missing"
    # The refused upload left the submission id free: the real one goes through.
    ok = await survey.client.put(url, json=findings(), headers=survey.auth("coordinator", COORD))
    assert ok.status_code == 200, ok.text


async def test_a_failed_preliminary_review_is_published_once_for_a_retried_request(survey) -> None:
    sid = await assigned(survey)
    coordinator = survey.auth("coordinator", COORD)
    up = await survey.client.put(
        f"/survey-tasks/{sid}/findings/{uuid.uuid4()}", json=findings(), headers=coordinator
    )
    assert up.status_code == 200
    url = f"/survey-tasks/{sid}/preliminary-review"
    body = {"outcome": "failed", "reason_code": "no_service_need"}
    headers = {**coordinator, "Idempotency-Key": f"review-{sid}"}
    first = await survey.client.post(url, json=body, headers=headers)
    retry = await survey.client.post(url, json=body, headers=headers)
    assert first.status_code == retry.status_code == 201, first.text
    assert first.json() == retry.json() and first.json()["reason_zh"] == "无服务需求"
    without_key = await survey.client.post(url, json=body, headers=coordinator)
    assert without_key.status_code == 409 and without_key.json()["code"] == "already_reviewed"
    events = await survey.events_of(sid, until="survey.PreliminaryReviewFailed")
    failed = [e for e in events if isinstance(e, PreliminaryReviewFailed)]
    assert len(failed) == 1 and failed[0].reason_code == "no_service_need"
    assert failed[0].reviewed_by == (STAFF, COORD)
    assert await survey.outbox_count("survey.PreliminaryReviewFailed", sid) == 1


async def test_a_withdrawal_cancels_the_open_task_and_a_stale_one_does_not(survey) -> None:
    registered, task = await survey.register(version=3)
    sid = task["survey_id"]
    facts = {"person_id": registered.person_id, "application_id": registered.application_id}
    stale = sample(ApplicationWithdrawn, **facts, version=2)
    await survey.publish(stale)
    await survey.handled(stale)
    staff = survey.auth("village_staff", STAFF)
    assert (await survey.client.get(f"/survey-tasks/{sid}", headers=staff)).json()[
        "status"
    ] == "open"

    withdrawn = sample(ApplicationWithdrawn, **facts, version=4, reason_code="applicant_request")
    await survey.publish(withdrawn, withdrawn)  # delivered twice: applied once
    await survey.handled(withdrawn)
    read = (await survey.client.get(f"/survey-tasks/{sid}", headers=staff)).json()
    assert read["status"] == "cancelled" and read["cancel_reason"] == "applicant_request"
    assert read["version"] == 2
    township = survey.auth("township_officer", "u-t1", division="341702100")
    cancelled = await survey.client.get(
        "/survey-tasks", params={"status": "cancelled", "size": 100}, headers=township
    )
    still_open = await survey.client.get(
        "/survey-tasks", params={"status": "open", "size": 100}, headers=township
    )
    assert sid in {t["survey_id"] for t in cancelled.json()["items"]}
    assert sid not in {t["survey_id"] for t in still_open.json()["items"]}
    refused = await survey.client.put(f"/survey-tasks/{sid}/team", json=TEAM, headers=staff)
    assert refused.status_code == 409 and refused.json()["code"] == "task_cancelled"


async def test_a_registration_delivered_again_makes_one_task(survey) -> None:
    registered, task = await survey.register()
    repeat = sample(
        ApplicationRegistered,
        person_id=registered.person_id,
        application_id=registered.application_id,
        village_code=registered.village_code,
        version=registered.version,
    )
    await survey.publish(registered, repeat)
    await survey.handled(repeat)
    async with survey.engine.connect() as conn:
        tasks = await conn.execute(
            text("select count(*) from survey_task where application_id = :a"),
            {"a": registered.application_id},
        )
        assert tasks.scalar_one() == 1
    assert await survey.outbox_count("survey.SurveyTaskCreated", task["survey_id"]) == 1


async def test_the_migrations_build_exactly_the_tables_of_orm(survey) -> None:
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, [metadata, messaging_metadata])

    async with survey.engine.connect() as conn:
        assert await conn.run_sync(diff) == []
