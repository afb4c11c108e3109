"""Registration, withdrawal, discovery, reading and status that follows survey and review."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from contracts.intake import (
    ApplicationRegistered,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    DiscoveryReported,
)
from contracts.review import ApplicationRejected, RecipientApproved
from contracts.samples import sample
from contracts.survey import PreliminaryReviewFailed, PreliminaryReviewPassed, SurveyTaskCreated
from intake.orm import application_step

pytestmark = pytest.mark.integration

OFFICER = {"roles": ["township_officer"], "division": "341702100"}
REGISTRATION = {
    "category": "tekun",
    "special_conditions": ["semi_disabled_elder"],
    "requested_item_codes": ["LC-03", "CL-01", "HC-01"],
}


async def registered(intake: Any) -> dict[str, Any]:
    created = await intake.submit()
    response = await intake.client.post(
        f"/applications/{created['application_id']}/registration",
        json=REGISTRATION,
        headers=intake.auth(**OFFICER),
    )
    assert response.status_code == 200, response.text
    return {**response.json(), "_headers": created["_headers"]}


def facts(app: dict[str, Any]) -> dict[str, Any]:
    return {
        "application_id": uuid.UUID(app["application_id"]),
        "person_id": uuid.UUID(app["person_id"]),
    }


async def test_only_an_officer_of_the_township_registers_and_only_once(intake: Any) -> None:
    created = await intake.submit()
    path = f"/applications/{created['application_id']}/registration"
    elsewhere = await intake.client.post(
        path, json=REGISTRATION, headers=intake.auth(["township_officer"], division="341702101")
    )
    assert elsewhere.status_code == 403 and elsewhere.json()["code"] == "outside_jurisdiction"
    assert await intake.status_of(created["application_id"], created["_headers"]) == "submitted"
    village = await intake.client.post(
        path, json=REGISTRATION, headers=intake.auth(["village_staff"], division="341702100201")
    )
    assert village.status_code == 403 and village.json()["code"] == "role_forbidden"

    officer = intake.auth(user_id="officer-yinhui-1", **OFFICER)
    done = await intake.client.post(path, json=REGISTRATION, headers=officer)
    assert done.status_code == 200
    assert done.json()["status"]["code"] == "registered" and done.json()["version"] == 2
    assert [n["code"] for n in done.json()["need_categories"]] == [
        "life_care",
        "health_care",
        "cleaning",
    ]
    again = await intake.client.post(path, json=REGISTRATION, headers=officer)
    assert again.status_code == 409 and again.json()["code"] == "not_awaiting_registration"

    [(event, _)] = await intake.application_events(ApplicationRegistered, created["application_id"])
    assert isinstance(event, ApplicationRegistered)
    assert event.display_name == "张**" and event.registered_by == "officer-yinhui-1"
    assert event.version == 2 and event.requested_item_codes == ("LC-03", "CL-01", "HC-01")


async def test_registration_checks_items_against_the_catalogue(intake: Any) -> None:
    created = await intake.submit()
    response = await intake.client.post(
        f"/applications/{created['application_id']}/registration",
        json={**REGISTRATION, "requested_item_codes": ["HC-09"]},
        headers=intake.auth(**OFFICER),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.requested_item_codes.0"
    assert await intake.status_of(created["application_id"], created["_headers"]) == "submitted"


async def test_status_follows_survey_and_review_and_ignores_stale_events(intake: Any) -> None:
    app = await registered(intake)
    headers, survey = app["_headers"], uuid.uuid4()
    ids = {**facts(app), "survey_id": survey}
    await intake.publish(
        sample(SurveyTaskCreated, **ids, version=1, due_date=date(2024, 6, 1)),
        sample(PreliminaryReviewPassed, **ids, version=2),
        sample(SurveyTaskCreated, **ids, version=1, due_date=date(2024, 6, 1)),  # stale: older
        sample(
            PreliminaryReviewFailed, **ids, version=2, reason_zh="多次入户未见本人"
        ),  # stale: same version
        sample(PreliminaryReviewFailed, **ids, version=3, reason_zh="特殊情形未核实"),
    )
    shown = await intake.wait_status(app["application_id"], "preliminary_failed", headers)
    steps = [(s["status"]["code"], s["note_zh"]) for s in shown["timeline"]]
    assert [s for s, _ in steps] == [
        "submitted",
        "registered",
        "surveying",
        "preliminary_passed",
        "preliminary_failed",
    ]
    assert steps[2][1] == "已安排入户调查，计划于2024年06月01日前完成"
    assert steps[4][1] == "初审未通过：特殊情形未核实"
    assert shown["status"]["label_zh"] == "初审未通过，待乡镇审核"

    await intake.publish(
        sample(ApplicationRejected, **facts(app), reason_zh="不具备失能半失能、重病或重度残疾情形")
    )
    rejected = await intake.wait_status(app["application_id"], "rejected", headers)
    assert rejected["status_note_zh"] == "审核未通过：不具备失能半失能、重病或重度残疾情形"
    withdraw = await intake.client.post(
        f"/applications/{app['application_id']}/withdrawal", json={}, headers=headers
    )
    assert withdraw.status_code == 409 and withdraw.json()["code"] == "already_decided"


async def test_an_approved_application_cannot_be_withdrawn_and_later_news_changes_nothing(
    intake: Any,
) -> None:
    app = await registered(intake)
    headers = app["_headers"]
    ids = {**facts(app), "survey_id": uuid.uuid4()}
    await intake.publish(
        sample(SurveyTaskCreated, **ids, version=1),
        sample(PreliminaryReviewPassed, **ids, version=2),
    )
    await intake.wait_status(app["application_id"], "preliminary_passed", headers)
    approved = sample(RecipientApproved, **facts(app), effective_date=date(2024, 7, 1))
    await intake.publish(approved, approved)  # a redelivery must not add a second step
    shown = await intake.wait_status(app["application_id"], "approved", headers)
    assert shown["status"]["label_zh"] == "审核通过"
    assert shown["timeline"][-1]["note_zh"] == "审核通过，自2024年07月01日起提供服务"
    staff = intake.auth(["village_staff"], division="341702100201")
    refused = await intake.client.post(
        f"/applications/{app['application_id']}/withdrawal",
        json={"reason_code": "moved_out"},
        headers=staff,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "already_decided"
    # A late rejection (another topic) and a late survey result leave the decision alone.
    await intake.publish(
        sample(ApplicationRejected, **facts(app)), sample(PreliminaryReviewFailed, **ids, version=9)
    )
    marker = await intake.submit()  # then something we can wait for on each topic
    await intake.publish(sample(ApplicationRejected, **facts(marker)))
    await intake.wait_status(marker["application_id"], "rejected", marker["_headers"])
    final = await intake.client.get(f"/applications/{app['application_id']}", headers=headers)
    assert final.json()["status"]["code"] == "approved"
    app_id = uuid.UUID(app["application_id"])
    assert await intake.count(application_step, application_step.c.application_id == app_id) == 5


async def test_a_withdrawal_by_staff_is_published(intake: Any) -> None:
    created = await intake.submit()
    other_app = intake.auth(["applicant_app"])
    path = f"/applications/{created['application_id']}/withdrawal"
    assert (await intake.client.post(path, json={}, headers=other_app)).status_code == 404
    elsewhere = intake.auth(["village_staff"], division="341702101201")
    assert (await intake.client.post(path, json={}, headers=elsewhere)).status_code == 403
    staff = intake.auth(["coordinator"], division="341702100201")
    done = await intake.client.post(
        path, json={"reason_code": "moved_out", "reason_zh": "已随子女迁居外省"}, headers=staff
    )
    assert done.status_code == 200 and done.json()["status_note_zh"] == "已撤回：已随子女迁居外省"
    again = await intake.client.post(path, json={}, headers=created["_headers"])
    assert again.status_code == 409 and again.json()["code"] == "already_withdrawn"
    [(event, _)] = await intake.application_events(ApplicationWithdrawn, created["application_id"])
    assert isinstance(event, ApplicationWithdrawn)
    assert event.reason_code == "moved_out" and event.version == 2


async def test_a_coordinator_discovery_opens_an_application_in_the_same_flow(intake: Any) -> None:
    report = {
        "person": {"name": "王秀兰", "id_number": intake.new_id_number()},
        "category": "dibao",
        "special_conditions": ["disabled_elder"],
        "need_categories": ["life_care"],
        "requested_item_codes": ["HC-01"],
        "situation_zh": "独居，行动不便",
        "village_code": "341702100201",
    }
    elsewhere = intake.auth(["coordinator"], division="341702100202")
    assert (
        await intake.client.post("/discoveries", json=report, headers=elsewhere)
    ).status_code == 403
    staff = intake.auth(["village_staff"], division="341702100201")
    assert (await intake.client.post("/discoveries", json=report, headers=staff)).status_code == 403
    coordinator = intake.auth(["coordinator"], division="341702100201", user_id="coord-1")
    created = await intake.client.post("/discoveries", json=report, headers=coordinator)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["channel"]["code"] == "coordinator_discovery" and body["discovery_id"]
    assert [n["code"] for n in body["need_categories"]] == ["life_care", "health_care"]
    assert body["applicant"]["phone_masked"] is None

    found = await intake.application_events(
        DiscoveryReported | ApplicationSubmitted, body["application_id"], count=2
    )
    (discovered, first), (submitted, second) = found
    assert isinstance(discovered, DiscoveryReported) and isinstance(submitted, ApplicationSubmitted)
    assert first.offset < second.offset and first.partition == second.partition
    assert (
        str(discovered.discovery_id) == body["discovery_id"] and discovered.reported_by == "coord-1"
    )
    assert submitted.channel == "coordinator_discovery"
    # The coordinator reads it; the applicant apps cannot (nobody's app submitted it).
    assert (
        await intake.client.get(f"/applications/{body['application_id']}", headers=coordinator)
    ).status_code == 200
    assert (
        await intake.client.get(
            f"/applications/{body['application_id']}", headers=intake.auth(["applicant_app"])
        )
    ).status_code == 404


async def test_an_application_is_shown_to_its_app_and_to_staff_in_jurisdiction_only(
    intake: Any,
) -> None:
    created = await intake.submit(roles=["applicant_app"], user_id="wx-owner")
    path = f"/applications/{created['application_id']}"
    assert (
        await intake.client.get(path, headers=intake.auth(["applicant_app"], user_id="wx-owner"))
    ).status_code == 200
    stranger = await intake.client.get(
        path, headers=intake.auth(["applicant_app"], user_id="wx-stranger")
    )
    assert stranger.status_code == 404 and created["applicant"]["name"] not in stranger.text
    other_township = await intake.client.get(
        path, headers=intake.auth(["township_officer"], division="341702101")
    )
    assert (
        other_township.status_code == 403
        and created["applicant"]["name"] not in other_township.text
    )
    county = await intake.client.get(
        path, headers=intake.auth(["county_officer"], division="341702")
    )
    assert county.status_code == 200
    assert (
        await intake.client.get(f"/applications/{uuid.uuid4()}", headers=created["_headers"])
    ).status_code == 404


async def test_staff_lists_stay_inside_the_jurisdiction(intake: Any) -> None:
    here = await intake.submit(intake.body(village_code="341702101201"))
    there = await intake.submit(intake.body(village_code="341702100202"))
    officer = intake.auth(["township_officer"], division="341702101")
    listed = await intake.client.get("/applications", params={"size": 100}, headers=officer)
    assert listed.status_code == 200
    ids = {i["application_id"] for i in listed.json()["items"]}
    assert here["application_id"] in ids and there["application_id"] not in ids
    assert all(i["village_code"].startswith("341702101") for i in listed.json()["items"])
    row = next(i for i in listed.json()["items"] if i["application_id"] == here["application_id"])
    assert row["display_name"] == "张**" and row["id_number_masked"].count("*") == 10

    village = intake.auth(["village_staff"], division="341702100202")
    only = await intake.client.get(
        "/applications",
        params={"status": "submitted", "village_code": "341702100202"},
        headers=village,
    )
    assert {i["village_code"] for i in only.json()["items"]} == {"341702100202"}
    assert all(i["status"]["code"] == "submitted" for i in only.json()["items"])
    outside = await intake.client.get(
        "/applications", params={"village_code": "341702101201"}, headers=village
    )
    assert outside.status_code == 403

    await intake.submit(intake.body(village_code="341702101201"))
    first = (
        await intake.client.get("/applications", params={"size": 1, "page": 1}, headers=officer)
    ).json()
    second = (
        await intake.client.get("/applications", params={"size": 1, "page": 2}, headers=officer)
    ).json()
    assert first["total"] == second["total"] >= 2 and first["size"] == 1
    assert first["items"][0]["application_id"] != second["items"][0]["application_id"]
    assert (
        await intake.client.get("/applications", headers=intake.auth(["applicant_app"]))
    ).status_code == 403
