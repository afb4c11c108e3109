"""Requests racing each other: one application per person, one answer per Idempotency-Key."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

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
        await intake.count(person, person.c.id_number_index == body["applicant"]["id_number"]) == 1
    )


async def test_the_same_new_person_from_two_channels_at_once_gets_one_application(
    intake: Any,
) -> None:
    body = intake.body()
    window = intake.body(applicant=body["applicant"], channel="window")
    answers = await asyncio.gather(
        intake.client.post("/applications", json=body, headers=intake.auth(["applicant_app"])),
        intake.client.post(
            "/applications",
            json=window,
            headers=intake.auth(["township_officer"], division="341702100"),
        ),
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    created = next(a for a in answers if a.status_code == 201).json()
    refused = next(a for a in answers if a.status_code == 409).json()
    assert refused["extra"] == {"application_id": created["application_id"]}
    assert (
        await intake.count(application, application.c.person_id == uuid.UUID(created["person_id"]))
        == 1
    )
