"""Issue 19, complaints and the hotline: a hotline complaint about a missed meal reaches the
provider (ComplaintNoticed on its own topic) and the township, passes its deadline and goes
to the county, is found true, and ComplaintResolved names the record for settlement to
reverse. Only ids and codes travel; the complainant's words and notes stay sealed here."""

from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from contracts import topics
from contracts.bigdata import EventMirrored
from contracts.supervision import (
    ComplaintEscalated,
    ComplaintNoticed,
    ComplaintOpened,
    ComplaintResolved,
)
from dispatch.orm import metadata
from dispatch.orm_complaints import complaint, complaint_note

from .complaint_steps import PHONE, WORDS, file, served_meal

pytestmark = pytest.mark.integration

VILLAGE = "341702108201"  # no other test's providers serve it
TOWNSHIP = VILLAGE[:9]
COUNTY = VILLAGE[:6]


async def _overdue_at_county(api: Any) -> float:
    """What ``/metrics`` says now: open complaints past the county's deadline."""
    answer = await api.client.get("/metrics")
    assert answer.status_code == 200, answer.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(answer.text)
        if family.name == "civic_dispatch_complaints_overdue"
        for sample in family.samples
        if sample.labels.get("level") == "county"
    )


async def _until_overdue_at_county(api: Any) -> None:
    for _ in range(300):
        if await _overdue_at_county(api) >= 1:
            return
        await asyncio.sleep(0.2)
    pytest.fail("/metrics showed no complaint past the county's deadline within 60 s")


def _has(complaint_id: str) -> Any:
    def check(response: httpx.Response) -> bool:
        return any(c["complaint_id"] == complaint_id for c in response.json()["items"])

    return check


async def _noticed_then_escalated(api: Any, bus: Any, meal: SimpleNamespace, filed: Any) -> None:
    """The provider is told, the township's queue shows it, the provider answers, the
    township notes what it found, and the deadline passes: the county takes it."""
    complaint_id = uuid.UUID(filed["complaint_id"])
    noticed = await meal.reader.wait_for(ComplaintNoticed, complaint_id=complaint_id)
    assert (noticed.record_id, noticed.category) == (meal.record_id, "service_not_delivered")
    raw = next(r for e, r in meal.reader.seen if e is noticed)
    assert WORDS not in json.dumps(raw) and PHONE not in json.dumps(raw)
    queue = await api.client.get(
        "/complaints", params={"status": "open"}, headers=api.township(TOWNSHIP)
    )
    assert _has(filed["complaint_id"])(queue), queue.text
    answer = await api.client.post(
        f"/provider/complaints/{complaint_id}/response",
        json={"text_zh": "送餐员当天请假，已补送"},
        headers=api.provider(meal.code),
    )
    assert answer.status_code == 201, answer.text
    note = await api.client.post(
        f"/complaints/{complaint_id}/notes",
        json={"text_zh": "电话核实，当天确未送餐"},
        headers=api.township(TOWNSHIP),
    )
    assert note.status_code == 201, note.text
    complaints = await bus.topic(topics.DISPATCH_COMPLAINTS)
    up = await complaints.wait_for(ComplaintEscalated, complaint_id=complaint_id)
    assert (up.supervision_level, up.escalated_to, up.version) == ("county", "county_officer", 2)


async def test_a_missed_meal_is_escalated_to_the_county_and_its_record_named_when_found_true(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    filed = await file(api, meal, api.township(TOWNSHIP))
    assert (filed["source"], filed["provider_code"]) == ("hotline", meal.code)
    assert (filed["worker_ref"], filed["supervision_level"]) == ("w1", "township")
    complaint_id = uuid.UUID(filed["complaint_id"])
    complaints = await bus.topic(topics.DISPATCH_COMPLAINTS)
    opened = await complaints.wait_for(ComplaintOpened, complaint_id=complaint_id)
    assert (opened.record_id, opened.source, opened.township_code) == (
        meal.record_id,
        "hotline",
        TOWNSHIP,
    )
    await _noticed_then_escalated(api, bus, meal, filed)

    # Escalated: the township may no longer decide; past the county's deadline too, the
    # county's queue shows it overdue.
    refused = await api.client.post(
        f"/complaints/{complaint_id}/resolution",
        json={"outcome": "substantiated", "complainant_told_on": make.today().isoformat()},
        headers=api.township(TOWNSHIP),
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "escalated_to_county")
    await api.eventually(
        "GET",
        "/complaints",
        _has(filed["complaint_id"]),
        params={"overdue": "true", "status": "open", "size": 100},
        headers=api.county(),
    )
    # Its county deadline passes too: the gauge counts it (and any other) until resolved.
    await _until_overdue_at_county(api)

    resolution = {
        "outcome": "substantiated",
        "complainant_told_on": make.today().isoformat(),
        "note_zh": "扣减当日服务费用并约谈机构",
    }
    url = f"/complaints/{complaint_id}/resolution"
    done = await api.client.post(url, json=resolution, headers=api.county())
    assert done.status_code == 200, done.text
    resolved = await complaints.wait_for(ComplaintResolved, complaint_id=complaint_id)
    assert (resolved.record_id, resolved.order_id) == (meal.record_id, meal.order.order_id)
    assert (resolved.outcome, resolved.overdue, resolved.supervision_level) == (
        "substantiated",
        True,
        "county",
    )
    again = await api.client.post(url, json=resolution, headers=api.county())
    assert (again.status_code, again.json()["code"]) == (409, "complaint_resolved")

    # The file opens the words and every step; on the big-data topic, codes only.
    detail = (await api.client.get(f"/complaints/{complaint_id}", headers=api.county())).json()
    assert (detail["description_zh"], detail["complainant_phone"]) == (WORDS, PHONE)
    assert [n["kind"] for n in detail["notes"]] == ["provider_response", "investigation"]
    mirrors = await bus.topic(topics.BIGDATA_EVENTS)
    mirrored = await mirrors.wait_for(
        EventMirrored, source_event_type="dispatch.ComplaintResolved", provider_code=meal.code
    )
    assert mirrored.complaint_id not in (None, complaint_id)
    assert WORDS not in mirrored.model_dump_json()


async def test_the_words_and_notes_are_sealed_at_rest(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    filed = await file(api, meal, api.village(VILLAGE, "coordinator"), category="quality")
    assert filed["source"] == "village_coordinator"
    complaint_id = uuid.UUID(filed["complaint_id"])
    note = await api.client.post(
        f"/complaints/{complaint_id}/notes",
        json={"text_zh": "入户回访，饭菜偏凉"},
        headers=api.township(TOWNSHIP),
    )
    assert note.status_code == 201, note.text
    async with probe.engine.connect() as connection:
        row = (
            await connection.execute(
                select(complaint.c.description_zh, complaint.c.complainant_phone).where(
                    complaint.c.complaint_id == complaint_id
                )
            )
        ).one()
        notes = (
            await connection.scalars(
                select(complaint_note.c.text_zh).where(
                    complaint_note.c.complaint_id == complaint_id
                )
            )
        ).all()
    stored = json.dumps([*row, *notes], ensure_ascii=False)
    assert WORDS not in stored and PHONE not in stored and "饭菜偏凉" not in stored
    opened = (await probe.emitted("dispatch.ComplaintOpened", complaint_id=complaint_id))[0]
    assert WORDS not in json.dumps(opened, ensure_ascii=False)


async def test_a_retried_filing_is_taken_in_once(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    app = api.as_("applicant_app", user_id=f"app-{make.suffix()}")
    headers = app | {"Idempotency-Key": f"k-{make.suffix()}"}
    first = await file(api, meal, headers, category="attitude")
    second = await file(api, meal, headers, category="attitude")
    assert first["source"] == "app"
    assert second["complaint_id"] == first["complaint_id"]
    opened = await probe.emitted("dispatch.ComplaintOpened", person_id=meal.person_id)
    assert [o["complaint_id"] for o in opened] == [first["complaint_id"]]
    other = await api.client.post(
        "/complaints",
        json={"person_id": str(meal.person_id), "category": "other", "description_zh": "另一件事"},
        headers=headers,
    )
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")


async def test_a_providers_own_report_is_resolved_by_the_township(
    api: Any, bus: Any, make: SimpleNamespace, probe: Any
) -> None:
    meal = await served_meal(api, bus, make, VILLAGE)
    body = {
        "person_id": str(meal.person_id),
        "order_id": str(meal.order.order_id),
        "category": "other",
        "description_zh": "服务对象家属反映送餐时间不固定",
        "complainant_name": None,
    }
    reported = await api.client.post(
        "/provider/complaints", json=body, headers=api.provider(meal.code)
    )
    assert reported.status_code == 201, reported.text
    filed = reported.json()
    assert (filed["source"], filed["provider_code"]) == ("provider_report", meal.code)
    # The provider made the report: no notice is sent to it (same transaction as the opening).
    assert (
        await probe.emitted("dispatch.ComplaintNoticed", complaint_id=filed["complaint_id"]) == []
    )
    stranger = await api.client.post(
        f"/provider/complaints/{filed['complaint_id']}/response",
        json={"text_zh": "与我无关"},
        headers=api.provider(f"other-{make.suffix()}"),
    )
    assert (stranger.status_code, stranger.json()["code"]) == (404, "complaint_not_found")
    done = await api.client.post(
        f"/complaints/{filed['complaint_id']}/resolution",
        # An explicit null note is no note (the fuzz suite found it answered 500 once).
        json={
            "outcome": "not_substantiated",
            "complainant_told_on": make.today().isoformat(),
            "note_zh": None,
        },
        headers=api.township(TOWNSHIP),
    )
    assert done.status_code == 200, done.text
    assert (done.json()["resolved_level"], done.json()["outcome"]) == (
        "township",
        "not_substantiated",
    )


async def test_the_complaint_tables_match_their_migration(probe: Any) -> None:
    """Migration 0009 creates what orm_complaints.py declares (nothing more, nothing less)."""

    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        found = compare_metadata(context, metadata)
        return [d for d in found if "complaint" in repr(d)]

    async with probe.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
