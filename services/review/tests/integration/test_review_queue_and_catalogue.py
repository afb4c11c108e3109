"""Review against a real broker and database: out-of-order events, catalogue versions,
roles, pagination, and the migration matching the ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from civic.messaging_tables import messaging_metadata
from review.orm import catalogue_version, metadata, review_case

pytestmark = pytest.mark.integration


async def test_survey_events_before_registration_assemble_one_case(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story(category="relapse_monitoring", conditions=("semi_disabled_elder",))
    await review.publish(s.catalogue(), s.passed(), s.completed())

    async def filed_without_registration() -> bool:
        async with review.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(review_case).where(review_case.c.application_id == s.application_id)
                )
            ).first()
        return row is not None and row.preliminary is not None and row.findings is not None

    await review.until(filed_without_registration)
    assert (await review.case(s.application_id)).status_code == 404  # no township known yet

    newer = s.registered(version=3, display_name="赵*")
    await review.publish(newer, s.registered(version=2), newer)  # a stale version and a repeat
    case = await review.ready_case(s.application_id)
    assert case["display_name"] == "赵*" and case["findings"]["self_care_level"] == "moderate"
    assert case["preliminary"] == "passed"
    decided = await review.decide(s.application_id, approval())
    assert decided.status_code == 201, decided.text


async def test_items_are_checked_against_the_catalogue_in_force_on_the_effective_date(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story(village_code="341721100201")
    basic = ("LC-01", "LC-03", "CL-01")
    await review.publish(
        s.catalogue(version=1, effective_from=date(2024, 1, 1), codes=basic),
        s.catalogue(version=2, effective_from=date(2025, 1, 1), codes=(*basic, "HC-02")),
        s.registered(),
        s.passed(),
    )
    officer = "341721100"
    await review.ready_case(s.application_id, division=officer)

    async def both_versions_kept() -> bool:
        async with review.engine.connect() as conn:
            rows = await conn.execute(
                select(catalogue_version.c.version).where(
                    catalogue_version.c.county_code == "341721"
                )
            )
            return sorted(rows.scalars()) == [1, 2]

    await review.until(both_versions_kept)
    monthly_health = {
        "item_code": "HC-02",
        "mode": "department_linkage",
        "frequency": {"times": 1, "per": "month"},
        "funding_source": "other_service_aid",
    }
    needs = {"self_care_level": "mild", "need_categories": ["health_care"]}
    body = approval(need_assessment=needs, items=[monthly_health], effective_date="2024-12-31")
    early = await review.decide(s.application_id, body, division=officer)
    assert early.status_code == 422, early.text
    assert early.json()["code"] == "unknown_item" and "第1版" in early.json()["title"]
    too_early = await review.decide(
        s.application_id, {**body, "effective_date": "2023-12-31"}, division=officer
    )
    assert too_early.status_code == 422 and too_early.json()["code"] == "no_catalogue_in_force"
    on_time = await review.decide(
        s.application_id, {**body, "effective_date": "2025-01-01"}, division=officer
    )
    assert on_time.status_code == 201, on_time.text
    event = await review.decision_event(s.application_id)
    assert event.catalogue_version == 2 and event.county_code == "341721"


async def test_roles_decide_who_reads_and_who_decides(
    review: Any, story: Callable[..., Any], approval: Callable[..., Any]
) -> None:
    s = story()
    await review.file(s, s.catalogue(), s.registered(), s.passed())
    village = review.auth(role="village_staff", division=s.village_code)
    refused = await review.client.get("/review-queue", headers=village)
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"
    county = await review.client.get(
        "/review-queue",
        params={"size": 100},
        headers=review.auth(role="county_officer", division="341702"),
    )
    assert str(s.application_id) in [c["application_id"] for c in county.json()["items"]]
    other_county = await review.client.get(
        "/review-queue",
        params={"size": 100},
        headers=review.auth(role="county_officer", division="341723"),
    )
    assert str(s.application_id) not in [c["application_id"] for c in other_county.json()["items"]]
    by_county = await review.client.post(
        f"/applications/{s.application_id}/decision",
        json=approval(),
        headers=review.auth(role="county_officer", division="341702"),
    )
    assert by_county.status_code == 403 and by_county.json()["code"] == "role_forbidden"
    assert (await review.client.get("/review-queue")).status_code == 401


async def test_the_queue_is_paginated_oldest_first(review: Any, story: Callable[..., Any]) -> None:
    start = datetime(2024, 3, 1, tzinfo=UTC)
    stories = [
        story(village_code="341702100202", registered_at=start + timedelta(days=d))
        for d in range(3)
    ]
    for s in reversed(stories):
        await review.publish(s.registered(), s.passed())
    for s in stories:
        await review.ready_case(s.application_id)
    params = {"village_code": "341702100202", "size": 2}
    first = (await review.client.get("/review-queue", params=params, headers=review.auth())).json()
    second = (
        await review.client.get(
            "/review-queue", params={**params, "page": 2}, headers=review.auth()
        )
    ).json()
    expected = [str(s.application_id) for s in stories]
    assert first["total"] == 3 and (first["page"], first["size"]) == (1, 2)
    assert [c["application_id"] for c in first["items"] + second["items"]] == expected


async def test_bad_filters_and_bodies_are_problem_documents(
    review: Any, story: Callable[..., Any]
) -> None:
    bad = await review.client.get(
        "/review-queue", params={"size": 500, "status": "nope"}, headers=review.auth()
    )
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {
        "query.size",
        "query.status",
    }
    s = story()
    body = {"decision": "reject", "reason_code": "other", "reason_zh": "电话 13912345678"}
    leaked = await review.decide(s.application_id, body)
    assert leaked.status_code == 422 and leaked.json()["code"] == "personal_data_in_reason"


async def test_the_migrations_build_exactly_the_orm_tables(review: Any) -> None:
    def diff(conn: Any) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, [metadata, messaging_metadata])  # type: ignore[arg-type]

    async with review.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []
