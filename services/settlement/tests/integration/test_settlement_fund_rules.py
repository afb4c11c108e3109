"""Restricted funds (专款专用) end to end in 青阳县 (341723), service dates in 2031 only.

Each test publishes its own version with a later first day than the one before it in this file
(a version may not start before the latest), so each runs alone or after the others.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.enums import FeeUnit, RecipientCategory
from contracts.review import RecipientApproved
from contracts.samples import sample
from devstack.read_audit import AuditedCall, reads
from settlement.handlers import recipients

pytestmark = pytest.mark.integration

COUNTY = "341723"
MEAL = 1200  # the demo fee of LC-03 (供餐送餐) per meal
TEKUN_ONLY = {"funding_source": "tekun_care", "recipient_categories": ["tekun"]}
WHY_DIBAO = "特困人员照料护理经费仅用于特困人员，该服务对象为低保对象"


async def _publish(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]], effective: str, *funds: Any
) -> httpx.Response:
    body = {"effective_from": effective, "funds": list(funds)}
    return await client.put(
        f"/fund-rules/{COUNTY}", json=body, headers=auth("county_officer", COUNTY)
    )


async def _approved(world: Any, category: RecipientCategory, day: date) -> RecipientApproved:
    event = sample(
        RecipientApproved,
        person_id=uuid.uuid4(),
        recipient_id=uuid.uuid4(),
        effective_date=day,
        category=category,
        special_conditions=(),
        **world.where(),
    )
    await world.run(recipients.note_recipient_approved, event)
    return event


async def _meals(world: Any, category: RecipientCategory, day: date, meals: int = 2) -> Any:
    """A recipient of ``category`` gets ``meals`` meals on ``day`` paid by tekun care funds."""
    who = await _approved(world, category, day.replace(day=1))
    order = await world.order(who, "LC-03", FeeUnit.MEAL, start_date=day.replace(day=1))
    return await world.deliver(order, day, quantity=meals)


def _lines(lines: list[Any]) -> list[tuple[str, str, int]]:
    return [(line.kind, line.funding_source, line.amount_fen) for line in lines]


async def test_settlement_a_tekun_only_fund_refuses_a_dibao_line(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    published = await _publish(client, auth, "2031-01-01", TEKUN_ONLY)
    assert published.status_code == 201, published.text
    assert published.json()["funds"][0]["recipient_categories"] == ["tekun"]
    world = scenario("341723102")
    dibao = await _meals(world, RecipientCategory.DIBAO, date(2031, 1, 10))
    tekun = await _meals(world, RecipientCategory.TEKUN, date(2031, 1, 11))
    held = await world.record(dibao.record_id)
    assert (held.billing_status, held.reason_code) == ("not_billable", "fund_restricted")
    assert (await world.record(tekun.record_id)).billing_status == "billed"
    lines = await world.lines()
    assert _lines(lines) == [("charge", "tekun_care", 2 * MEAL)]
    assert lines[0].record_id == tekun.record_id
    officer = auth("township_officer", world.township)
    page = await client.get(
        "/fund-holds", params={"township_code": world.township}, headers=officer
    )
    assert page.status_code == 200, page.text
    (hold,) = [h for h in page.json()["items"] if h["record_id"] == str(dibao.record_id)]
    assert hold["why_zh"] == WHY_DIBAO
    assert (hold["funding_source"], hold["reason_zh"]) == ("tekun_care", "资金用途不符，待县级处理")
    assert (hold["service_date"], hold["provider_code"]) == ("2031-01-10", world.provider_code)
    county_wide = await client.get("/fund-holds", params={"county_code": COUNTY}, headers=officer)
    assert county_wide.status_code == 403


async def test_settlement_a_fallback_fund_pays_the_line_the_restricted_one_may_not(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    rule = {**TEKUN_ONLY, "fallback_funding_source": "other_service_aid"}
    assert (await _publish(client, auth, "2031-03-01", rule)).status_code == 201
    world = scenario("341723103")
    dibao = await _meals(world, RecipientCategory.DIBAO, date(2031, 3, 10))
    assert (await world.record(dibao.record_id)).billing_status == "billed"
    assert _lines(await world.lines()) == [("charge", "other_service_aid", 2 * MEAL)]


async def test_settlement_the_county_assigns_a_held_line_to_an_allowed_fund_once(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    health_only = {"funding_source": "home_elderly_care", "service_categories": ["health_care"]}
    assert (await _publish(client, auth, "2031-05-01", TEKUN_ONLY, health_only)).status_code == 201
    world = scenario("341723104")
    held = await _meals(world, RecipientCategory.DIBAO, date(2031, 5, 10))
    later = await _meals(world, RecipientCategory.DIBAO, date(2031, 5, 20), meals=3)
    officer = auth("county_officer", COUNTY)
    url = f"/fund-holds/{held.record_id}/resolution"
    wrong = {"decision": "assign", "funding_source": "home_elderly_care", "note_zh": "改列"}
    refused = await client.post(url, json=wrong, headers=officer)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "fund_not_allowed"
    assert refused.json()["title"] == "居家养老服务经费服务类别仅限健康护理，该服务为生活照料"
    right = {**wrong, "funding_source": "other_service_aid"}
    done = await client.post(url, json=right, headers=officer)
    assert done.status_code == 200, done.text
    assert (done.json()["billing_status"], done.json()["reason_code"]) == ("billed", None)
    again = await client.post(url, json=right, headers=officer)
    assert (again.status_code, again.json()["code"]) == (409, "not_held")
    assert _lines(await world.lines()) == [("charge", "other_service_aid", 2 * MEAL)]
    # A new version from 15 May lets tekun care funds fall back: the later line is released.
    rule = {**TEKUN_ONLY, "fallback_funding_source": "temporary_assistance"}
    assert (await _publish(client, auth, "2031-05-15", rule)).status_code == 201
    assert (await world.record(later.record_id)).billing_status == "billed"
    assert _lines(await world.lines()) == [
        ("charge", "other_service_aid", 2 * MEAL),
        ("charge", "temporary_assistance", 3 * MEAL),
    ]
    page = await client.get(
        "/fund-holds", params={"township_code": world.township}, headers=officer
    )
    assert page.json()["total"] == 0


async def test_settlement_a_refused_hold_stays_unpaid(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    assert (await _publish(client, auth, "2031-07-01", TEKUN_ONLY)).status_code == 201
    world = scenario("341723105")
    held = await _meals(world, RecipientCategory.DIBAO, date(2031, 7, 10))
    url = f"/fund-holds/{held.record_id}/resolution"
    body = {"decision": "refuse", "note_zh": "不属特困人员，不予列支"}
    township = auth("township_officer", world.township)
    assert (await client.post(url, json=body, headers=township)).status_code == 403
    done = await client.post(url, json=body, headers=auth("county_officer", COUNTY))
    assert done.status_code == 200, done.text
    assert done.json()["reason_code"] == "fund_refused"
    assert done.json()["reason_zh"] == "资金用途不符，县级决定不予结算"
    assert await world.lines() == []


async def test_settlement_bad_fund_rules_are_refused_with_the_field(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    async def refused(effective: str, *funds: Any) -> tuple[int, str, str]:
        answer = await _publish(client, auth, effective, *funds)
        problem = answer.json()
        return answer.status_code, problem["code"], problem["errors"][0]["field"]

    assert await refused("2031-12-01", TEKUN_ONLY, TEKUN_ONLY) == (
        422,
        "duplicate_fund",
        "body.funds[1].funding_source",
    )
    itself = {**TEKUN_ONLY, "fallback_funding_source": "tekun_care"}
    assert await refused("2031-12-01", itself) == (
        422,
        "fallback_to_itself",
        "body.funds[0].fallback_funding_source",
    )
    assert await refused("2020-01-01", TEKUN_ONLY) == (
        422,
        "effective_from_in_past",
        "body.effective_from",
    )
    assert (await _publish(client, auth, "2031-12-01", TEKUN_ONLY)).status_code == 201
    assert (await refused("2031-11-30", TEKUN_ONLY))[:2] == (422, "effective_from_before_latest")
    unknown = {"funding_source": "lottery"}
    assert (await refused("2031-12-01", unknown))[0] == 422
    other = await client.put(
        f"/fund-rules/{COUNTY}",
        json={"effective_from": "2031-12-01", "funds": []},
        headers=auth("county_officer", "341722"),
    )
    assert other.status_code == 403
    listed = await client.get(
        f"/fund-rules/{COUNTY}", headers=auth("township_officer", "341723100")
    )
    assert listed.status_code == 200
    versions = listed.json()
    assert [v["version"] for v in versions] == list(range(len(versions), 0, -1))
    assert versions[0]["effective_from"] == "2031-12-01"


async def _announced(db: async_sessionmaker[AsyncSession]) -> list[dict[str, Any]]:
    """The county's FundRulesPublished events in the outbox, oldest first, with their topic."""
    query = (
        "select topic, payload from outbox_message where event_type = :t and key = :k order by id"
    )
    params = {"t": "settlement.FundRulesPublished", "k": COUNTY}
    async with db() as session:
        rows = await session.execute(text(query), params)
    return [{"topic": topic, **json.loads(payload)} for topic, payload in rows]


async def test_settlement_each_fund_rules_version_is_announced_once(
    db: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    auth: Callable[..., dict[str, str]],
) -> None:
    # 1 December 2031, as the versions of the tests after this one (none may start earlier).
    rule = {**TEKUN_ONLY, "recipient_conditions": ["minor"], "fallback_funding_source": "charity"}
    first = await _publish(client, auth, "2031-12-01", rule)
    assert first.status_code == 201, first.text
    version = first.json()["version"]
    (event,) = [e for e in await _announced(db) if e["version"] == version]
    assert (event["county_code"], event["effective_from"]) == (COUNTY, "2031-12-01")
    assert (event["topic"], event["subject_key"]) == ("settlement.catalogue.v1", COUNTY)
    assert event["funds"] == [
        {
            "funding_source": "tekun_care",
            "recipient_categories": ["tekun"],
            "recipient_conditions": ["minor"],
            "service_categories": [],
            "modes": [],
            "purchaser_levels": [],
            "fallback_funding_source": "charity",
        }
    ]
    assert "published_by" not in event
    before = len(await _announced(db))
    refused = await _publish(client, auth, "2020-01-01", rule)
    assert refused.status_code == 422
    assert len(await _announced(db)) == before
    # The API has no no-op re-publish: identical rules are a new version, announced once.
    again = await _publish(client, auth, "2031-12-01", rule)
    assert again.json()["version"] == version + 1
    announced = await _announced(db)
    assert len(announced) == before + 1
    assert announced[-1]["version"] == version + 1
    assert announced[-1]["funds"] == event["funds"]

    # Sent with an Idempotency-Key and retried: one more version, announced once.
    who = {**auth("county_officer", COUNTY), "Idempotency-Key": f"rules-{uuid.uuid4().hex}"}
    body, url = {"effective_from": "2031-12-01", "funds": [rule]}, f"/fund-rules/{COUNTY}"
    sent = await client.put(url, json=body, headers=who)
    retried = await client.put(url, json=body, headers=who)
    assert (sent.status_code, retried.status_code) == (201, 201), retried.text
    assert retried.json() == sent.json() and sent.json()["version"] == version + 2
    assert len(await _announced(db)) == before + 2
    reused = await client.put(url, json={**body, "funds": [TEKUN_ONLY]}, headers=who)
    assert (reused.status_code, reused.json()["code"]) == (409, "idempotency_key_reused")


async def fund_hold_calls(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> dict[str, AuditedCall]:
    """The audited fund-hold routes, each on a held line of its own person (December 2031),
    for the service's read-audit test."""
    assert (await _publish(client, auth, "2031-12-01", TEKUN_ONLY)).status_code == 201
    world = scenario("341723106")
    listed = await _meals(world, RecipientCategory.DIBAO, date(2031, 12, 10))
    resolved = await _meals(world, RecipientCategory.DIBAO, date(2031, 12, 11))
    county_id = f"county-{uuid.uuid4().hex[:8]}"
    county = auth("county_officer", COUNTY, user_id=county_id)
    township = {"township_code": world.township}
    url = f"/fund-holds/{resolved.record_id}/resolution"
    body = {"decision": "refuse", "note_zh": "不予列支"}
    return {
        "GET /fund-holds": AuditedCall(
            lambda: client.get("/fund-holds", params=township, headers=county),
            county_id,
            listed.person_id,
        ),
        "POST /fund-holds/{record_id}/resolution": AuditedCall(
            lambda: client.post(url, json=body, headers=county), county_id, resolved.person_id
        ),
    }


async def test_settlement_reading_fund_holds_leaves_an_audit_line(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    calls = await fund_hold_calls(scenario, client, auth)
    auditor = auth("auditor", "341700")
    for key, audited in calls.items():
        assert (await audited.call()).status_code == 200
        lines = await reads(client, auditor, user_id=audited.user_id)
        (line,) = [line for line in lines if line["route"] == key]
        assert str(audited.person_id) in line["person_ids"]
