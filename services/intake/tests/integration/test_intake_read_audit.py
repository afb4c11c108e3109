"""Issue 16: every intake route that answers with a person's data leaves a line saying who
read whose data, found by person and by user, mirrored on ``audit.reads.v1``; the lines
cannot be changed; and an answer whose line cannot be written is withheld."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from contracts import topics
from contracts.audit import PersonalDataRead
from devstack.read_audit import AuditedCall, check_reads, reads
from intake.schemas.city import CITY_REPORT

pytestmark = pytest.mark.integration

TOWNSHIP = "341702100"
VILLAGE = "341702100201"


def _as(intake: Any, roles: list[str], division: str | None = None) -> tuple[str, dict[str, str]]:
    user_id = f"reader-{uuid.uuid4().hex[:8]}"
    return user_id, intake.auth(roles, division=division, user_id=user_id)


async def _calls(intake: Any) -> dict[str, AuditedCall]:
    officer_id, officer = _as(intake, ["township_officer"], TOWNSHIP)
    first = await intake.submit()
    second = await intake.submit()
    app_id, person = first["application_id"], first["person_id"]
    client = intake.client
    app_user, app_headers = _as(intake, ["applicant_app"])
    coordinator_id, coordinator = _as(intake, ["coordinator"], VILLAGE)
    admin_id, admin = _as(intake, ["admin"])
    discovery = {
        "person": {"name": "王秀兰", "id_number": intake.new_id_number()},
        "category": "dibao",
        "special_conditions": ["disabled_elder"],
        "need_categories": ["life_care"],
        "requested_item_codes": ["HC-01"],
        "situation_zh": "独居",
        "village_code": VILLAGE,
    }
    city_report = copy.deepcopy(CITY_REPORT["admitted"]["value"])
    city_report |= {"id_number": intake.new_id_number(), "case_id": f"CZ-A{uuid.uuid4().hex[:5]}"}
    registration = {
        "category": "tekun",
        "special_conditions": ["semi_disabled_elder"],
        "requested_item_codes": ["LC-03"],
        "need_categories": ["health_care"],
    }
    body = intake.body()
    return {
        "POST /applications": AuditedCall(
            lambda: client.post("/applications", json=body, headers=app_headers), app_user, None
        ),
        "POST /discoveries": AuditedCall(
            lambda: client.post("/discoveries", json=discovery, headers=coordinator),
            coordinator_id,
            None,
        ),
        "GET /applications/{application_id}": AuditedCall(
            lambda: client.get(f"/applications/{app_id}", headers=officer), officer_id, person
        ),
        "GET /applications": AuditedCall(
            lambda: client.get("/applications", headers=officer), officer_id, person
        ),
        "POST /applications/{application_id}/registration": AuditedCall(
            lambda: client.post(
                f"/applications/{app_id}/registration", json=registration, headers=officer
            ),
            officer_id,
            person,
        ),
        "POST /applications/{application_id}/withdrawal": AuditedCall(
            lambda: client.post(
                f"/applications/{second['application_id']}/withdrawal",
                json={"reason_code": "moved_out", "reason_zh": "迁出"},
                headers=officer,
            ),
            officer_id,
            second["person_id"],
        ),
        "POST /inbound/assistance-status": AuditedCall(
            lambda: intake.post_report(city_report, admin), admin_id, None
        ),
        "GET /audit/reads": AuditedCall(
            lambda: client.get(
                "/audit/reads", params={"person_id": person}, headers=_auditor(intake)
            ),
            "auditor-1",
            person,
        ),
    }


def _auditor(intake: Any) -> dict[str, str]:
    return intake.auth(["auditor"], division="341700", user_id="auditor-1")


async def test_every_route_that_reads_personal_data_leaves_a_line(intake: Any) -> None:
    calls = await _calls(intake)
    assert await check_reads(intake.client, calls, auditor=_auditor(intake)) == []


async def test_a_read_is_on_the_audit_topic_and_the_table_refuses_changes(intake: Any) -> None:
    created = await intake.submit()
    user_id, officer = _as(intake, ["township_officer"], TOWNSHIP)
    read = await intake.client.get(f"/applications/{created['application_id']}", headers=officer)
    assert read.status_code == 200
    (line,) = await reads(intake.client, _auditor(intake), user_id=user_id)
    assert line["client"] and line["division"] == TOWNSHIP and line["trace_id"]

    def same_read(event: Any) -> bool:
        return isinstance(event, PersonalDataRead) and str(event.read_id) == line["read_id"]

    ((event, _),) = await intake.read(topics.AUDIT_READS, same_read)
    assert (event.user_id, event.what) == (user_id, "application")
    assert [str(p) for p in event.person_ids] == [created["person_id"]]
    for change in ("update read_audit set user_id = 'someone-else'", "delete from read_audit"):
        async with intake.db() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(text(change))


async def test_a_stranger_cannot_ask_the_auditors_questions(intake: Any) -> None:
    _, officer = _as(intake, ["township_officer"], TOWNSHIP)
    asked = await intake.client.get("/audit/reads", params={"user_id": "anyone"}, headers=officer)
    assert asked.status_code == 403
    unbounded = await intake.client.get("/audit/reads", headers=_auditor(intake))
    assert unbounded.status_code == 422
    assert unbounded.json()["code"] == "audit_query_unbounded"
