"""Submitting applications through the HTTP API, against real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from civic.messaging_tables import idempotency_record, outbox_message
from civic.pseudonyms import pseudonyms_in
from contracts import topics
from contracts.bigdata import EventMirrored
from contracts.intake import ApplicationSubmitted
from devstack.infra import Infra
from intake.adapters.sealing import id_number_index
from intake.orm import application, person

pytestmark = pytest.mark.integration


async def stored_counts(intake: Any) -> tuple[int, int, int, int]:
    return (
        await intake.count(application),
        await intake.count(person),
        await intake.count(outbox_message),
        await intake.count(idempotency_record),
    )


async def test_a_wechat_submission_is_stored_and_published(intake: Any, infra: Infra) -> None:
    body = intake.body()
    id_number = body["applicant"]["id_number"]
    created = await intake.submit(body, roles=["applicant_app"], user_id="wx-openid-1")
    assert created["status"] == {"code": "submitted", "label_zh": "已提交，待受理"}
    assert created["channel"]["code"] == "wechat" and created["version"] == 1
    assert created["applicant"]["id_number_masked"] == id_number[:4] + "*" * 10 + id_number[-4:]
    assert created["applicant"]["phone_masked"] == "138****1234"
    assert [n["code"] for n in created["need_categories"]] == ["life_care", "cleaning"]
    assert [i["name_zh"] for i in created["requested_items"]] == ["供餐送餐", "清洁卫生"]
    assert created["timeline"][0]["status"]["code"] == "submitted"

    [(event, record)] = await intake.application_events(
        ApplicationSubmitted, created["application_id"]
    )
    assert isinstance(event, ApplicationSubmitted)
    assert record.key.decode() == created["person_id"] == str(event.person_id)
    assert event.channel == "wechat" and event.household_size == 1 and event.version == 1
    assert (event.county_code, event.township_code, event.village_code) == (
        "341702",
        "341702100",
        "341702100201",
    )
    assert event.requested_item_codes == ("LC-03", "CL-01")
    assert id_number.encode() not in record.value and "张桂英".encode() not in record.value
    pseudonym = pseudonyms_in(infra.secrets_dir, "intake")  # the big-data platform's key
    [(mirror, mirrored)] = await intake.read(
        topics.BIGDATA_EVENTS,
        lambda e: (
            isinstance(e, EventMirrored) and e.source_event_id == pseudonym(str(event.event_id))
        ),
    )
    assert isinstance(mirror, EventMirrored)
    assert mirror.application_id == pseudonym(str(event.application_id)) != event.application_id
    assert mirrored.key.decode() == str(pseudonym(created["person_id"]))
    assert created["person_id"].encode() not in mirrored.value


async def test_a_bad_check_character_is_422_naming_the_field_and_nothing_is_stored(
    intake: Any,
) -> None:
    good = intake.new_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = await stored_counts(intake)
    body = intake.body(applicant={"name": "张桂英", "id_number": bad, "phone": "13805661234"})
    response = await intake.apply(
        body, {**intake.auth(["applicant_app"]), "Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "bad_check_char"
    assert problem["errors"] == [
        {
            "field": "body.applicant.id_number",
            "code": "bad_check_char",
            "message": "身份证号码校验位错误",
        }
    ]
    assert bad not in response.text
    assert await stored_counts(intake) == before
    assert await intake.count(person, person.c.id_number_index == id_number_index(bad)) == 0


async def test_a_rule_broken_after_parsing_stores_nothing_either(intake: Any) -> None:
    # The catalogue check runs after people were looked up: the transaction must roll back.
    before = await stored_counts(intake)
    body = intake.body(requested_item_codes=["LC-01", "ZZ-99"])
    response = await intake.apply(body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "body.requested_item_codes.1",
            "code": "unknown_item",
            "message": "服务项目 ZZ-99 不在本县(区)现行服务项目目录中",
        }
    ]
    assert await stored_counts(intake) == before


async def test_a_retried_submission_gets_the_first_answer_and_one_application(intake: Any) -> None:
    body = intake.body()
    headers = {**intake.auth(["applicant_app"]), "Idempotency-Key": f"retry-{uuid.uuid4()}"}
    first = await intake.apply(body, headers)
    again = await intake.apply(body, headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    person_id = uuid.UUID(first.json()["person_id"])
    assert await intake.count(application, application.c.person_id == person_id) == 1
    app_id = first.json()["application_id"]
    async with intake.db() as s:
        payloads = (
            (
                await s.execute(
                    select(outbox_message.c.payload).where(
                        outbox_message.c.event_type == "intake.ApplicationSubmitted"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sum(app_id in p for p in payloads) == 1


async def test_the_same_key_with_a_different_body_is_409(intake: Any) -> None:
    headers = {**intake.auth(["applicant_app"]), "Idempotency-Key": f"reuse-{uuid.uuid4()}"}
    assert (await intake.apply(intake.body(), headers)).status_code == 201
    before = await stored_counts(intake)
    other = await intake.apply(intake.body(), headers)
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert await stored_counts(intake) == before


async def test_the_same_person_twice_is_409_with_the_existing_application(intake: Any) -> None:
    body = intake.body()
    first = await intake.submit(body)
    twin = intake.body(applicant=body["applicant"], channel="window")
    staff = intake.auth(["township_officer"], division="341702100")
    second = await intake.apply(twin, staff)
    assert second.status_code == 409
    problem = second.json()
    assert problem["code"] == "open_application_exists"
    assert problem["extra"] == {"application_id": first["application_id"]}
    assert problem["errors"][0]["field"] == "body.applicant.id_number"
    # Once withdrawn, the person may apply again, and keeps the same person_id.
    withdrawn = await intake.client.post(
        f"/applications/{first['application_id']}/withdrawal", json={}, headers=first["_headers"]
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"]["code"] == "withdrawn"
    third = await intake.apply(twin, staff)
    assert third.status_code == 201
    assert third.json()["person_id"] == first["person_id"]
    assert third.json()["application_id"] != first["application_id"]


async def test_household_members_get_person_ids_and_keep_the_household(intake: Any) -> None:
    spouse = intake.new_id_number()
    members = [{"relation": "spouse", "name": "王秀兰", "id_number": spouse}]
    first = await intake.submit(intake.body(household={"members": members}))
    assert first["household_size"] == 2
    assert first["household"][0]["relation"] == {"code": "spouse", "label_zh": "配偶"}
    assert first["household"][0]["id_number_masked"].count("*") == 10
    # The spouse applies later: intake already knows the person and the household.
    later = await intake.submit(
        intake.body(applicant={"name": "王秀兰", "id_number": spouse, "phone": "13900001111"})
    )
    assert later["household_id"] == first["household_id"]
    assert later["person_id"] != first["person_id"]


async def test_staff_may_not_submit_outside_their_jurisdiction(intake: Any) -> None:
    before = await stored_counts(intake)
    headers = intake.auth(["village_staff"], division="341702100201")
    response = await intake.apply(
        intake.body(channel="window", village_code="341702100202"), headers
    )
    assert response.status_code == 403
    assert response.json()["code"] == "outside_jurisdiction"
    assert await stored_counts(intake) == before
    inside = await intake.apply(intake.body(channel="window"), headers)
    assert inside.status_code == 201


async def test_channels_follow_who_submits(intake: Any) -> None:
    app_window = await intake.apply(intake.body(channel="window"))
    staff_wechat = await intake.apply(
        intake.body(), intake.auth(["township_officer"], division="341702100")
    )
    for response in (app_window, staff_wechat):
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.channel"
        assert response.json()["code"] == "channel_not_allowed"


async def test_a_village_outside_chizhou_is_refused(intake: Any) -> None:
    response = await intake.apply(intake.body(village_code="110105001001"))
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "body.village_code",
        "code": "unknown_village",
        "message": "不是池州市的村(社区)代码",
    }


async def test_items_come_from_the_catalogue_in_force_of_the_county(intake: Any) -> None:
    # 石台县 has published no catalogue; 贵池区 publishes a future version with a new item.
    no_catalogue = await intake.apply(intake.body(village_code="341722100201"))
    assert no_catalogue.status_code == 422
    assert no_catalogue.json()["code"] == "catalogue_not_in_force"
    future = intake.catalogue(
        "341702",
        version=2,
        effective_from=date(2099, 1, 1),
        extra=(("LC-99", "未来项目", "life_care", "visit"),),
        fee_fen=2000,
    )
    await intake.publish(future)
    await intake.wait_catalogue("341702", 2)
    response = await intake.apply(intake.body(requested_item_codes=["LC-99"]))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_item"
    # 东至县 has its own catalogue in force.
    assert (await intake.submit(intake.body(village_code="341721100201")))[
        "county_code"
    ] == "341721"


async def test_conditions_must_match_the_age_in_the_id_number(intake: Any) -> None:
    young = intake.new_id_number(date(1990, 3, 7))
    body = intake.body(applicant={"name": "张桂英", "id_number": young, "phone": "13805661234"})
    response = await intake.apply(body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.special_conditions"
    assert response.json()["code"] == "condition_contradicts_age"


async def test_roles_without_intake_rights_are_refused(intake: Any) -> None:
    response = await intake.apply(intake.body(), intake.auth(["provider"]))
    assert response.status_code == 403 and response.json()["code"] == "role_forbidden"
    assert (await intake.client.post("/applications", json=intake.body())).status_code == 401
