"""Requests racing each other: one application per person, one answer per Idempotency-Key."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from intake.adapters.sealing import id_number_index
from intake.orm import application, person

pytestmark = pytest.mark.integration


async def test_two_copies_of_one_request_at_once_get_one_answer(intake: Any) -> None:
    body = intake.body()
    headers = {**intake.auth(["applicant_app"]), "Idempotency-Key": f"race-{uuid.uuid4()}"}
    first, second = await asyncio.gather(
        intake.client.post("/applications", json=body, headers=headers),
        intake.client.post("/applications", json=body, headers=headers),
    )
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (
        await intake.count(
            person, person.c.id_number_index == id_number_index(body["applicant"]["id_number"])
        )
        == 1
    )


async def test_the_same_new_person_from_two_channels_at_once_gets_one_open_application(
    intake: Any,
) -> None:
    body = intake.body()
    window = intake.body(applicant=body["applicant"], channel="window")
    from_app, from_staff = await asyncio.gather(
        intake.client.post("/applications", json=body, headers=intake.auth(["applicant_app"])),
        intake.client.post(
            "/applications",
            json=window,
            headers=intake.auth(["township_officer"], division="341702100"),
        ),
    )
    # The app is always answered alike; staff are told which application is open.
    assert from_app.status_code == 201
    assert from_staff.status_code in (201, 409)
    if from_staff.status_code == 409:
        assert from_staff.json()["extra"] == {"application_id": from_app.json()["application_id"]}
    person_id = uuid.UUID(from_app.json()["person_id"])
    not_held = application.c.duplicate_of.is_(None)
    assert await intake.count(application, application.c.person_id == person_id, not_held) == 1
