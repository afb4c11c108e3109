"""Issue 16 over HTTP: an applicant app learns nothing about registered people and moves none."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from intake.adapters.sealing import id_number_index
from intake.orm import person

pytestmark = pytest.mark.integration

OFFICER = {"roles": ["township_officer"], "division": "341702100"}
REGISTRATION = {"category": "tekun", "requested_item_codes": ["LC-03"]}


async def registry_row(intake: Any, id_number: str) -> tuple[str, str]:
    """The name and household the registry holds for an ID number."""
    async with intake.db() as s:
        row = (
            await s.execute(
                select(person.c.name, person.c.household_id).where(
                    person.c.id_number_index == id_number_index(id_number)
                )
            )
        ).one()
    return row.name, str(row.household_id)


async def test_the_app_gets_the_usual_answer_for_a_number_with_an_open_application(
    intake: Any,
) -> None:
    body = intake.body()
    first = await intake.submit(body)
    again = await intake.apply(body, intake.auth(["applicant_app"], user_id="wx-stranger"))
    assert again.status_code == 201, again.text
    assert first["application_id"] not in again.text
    assert again.json()["status"]["code"] == "submitted" and again.json()["verification"] == []
    # The township sees the held application, and why, in the queue it registers from.
    staff = intake.auth(**OFFICER)
    held_id = again.json()["application_id"]
    seen = (await intake.client.get(f"/applications/{held_id}", headers=staff)).json()
    assert [(c["kind"]["code"], c["application_id"]) for c in seen["verification"]] == [
        ("open_application", first["application_id"])
    ]
    listed = await intake.client.get(
        "/applications?status=submitted&size=100&needs_verification=true", headers=staff
    )
    assert held_id in {row["application_id"] for row in listed.json()["items"]}
    refused = await intake.client.post(
        f"/applications/{held_id}/registration",
        json={**REGISTRATION, "checks_verified": True},
        headers=staff,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "open_application_exists"
    assert refused.json()["extra"] == {"application_id": first["application_id"]}


async def test_the_app_never_renames_nor_moves_a_registered_person(intake: Any) -> None:
    spouse = intake.new_id_number()
    members = [{"relation": "spouse", "name": "王秀兰", "id_number": spouse}]
    window = intake.body(channel="window", household={"members": members})
    theirs = await intake.submit(window, **OFFICER)
    # A stranger's app lists the spouse, under another name, in a household of its own.
    claimed = [{"relation": "spouse", "name": "李四", "id_number": spouse}]
    mine = await intake.submit(intake.body(household={"members": claimed}))
    assert await registry_row(intake, spouse) == ("王秀兰", theirs["household_id"])
    assert mine["household_id"] != theirs["household_id"]
    assert mine["household"][0]["name"] == "李四" and mine["verification"] == []
    staff = intake.auth(**OFFICER)
    seen = (
        await intake.client.get(f"/applications/{mine['application_id']}", headers=staff)
    ).json()
    assert {(c["kind"]["code"], c["field"]) for c in seen["verification"]} == {
        ("name_differs", "body.household.members.0"),
        ("household_differs", "body.household.members.0"),
    }
    # Registration waits for the township's word; once given, the registry follows it.
    url = f"/applications/{mine['application_id']}/registration"
    waiting = await intake.client.post(url, json=REGISTRATION, headers=staff)
    assert waiting.status_code == 409 and waiting.json()["code"] == "verification_pending"
    assert await registry_row(intake, spouse) == ("王秀兰", theirs["household_id"])
    done = await intake.client.post(
        url, json={**REGISTRATION, "checks_verified": True}, headers=staff
    )
    assert done.status_code == 200, done.text
    assert await registry_row(intake, spouse) == ("李四", mine["household_id"])


async def test_the_app_cannot_move_a_registered_person_into_its_household(intake: Any) -> None:
    spouse = intake.new_id_number()
    members = [{"relation": "spouse", "name": "王秀兰", "id_number": spouse}]
    theirs = await intake.submit(
        intake.body(channel="window", household={"members": members}), **OFFICER
    )
    # The app's applicant is known in a household of their own (an earlier, withdrawn
    # application) and now lists the other family's spouse as a member.
    body = intake.body()
    earlier = await intake.submit(body)
    withdrawal = f"/applications/{earlier['application_id']}/withdrawal"
    withdrawn = await intake.client.post(withdrawal, json={}, headers=earlier["_headers"])
    assert withdrawn.status_code == 200
    mine = await intake.submit({**body, "household": {"members": members}})
    assert mine["household_id"] == earlier["household_id"]
    assert await registry_row(intake, spouse) == ("王秀兰", theirs["household_id"])
