"""Evaluations (绩效评价) against PostgreSQL and Kafka: scored by the county's versioned rule,
revised when the rule or the figures change, published on settlement.evaluations.v1, exported."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert

from civic.spreadsheet import BOM
from contracts import topics
from contracts.enums import FeeUnit, PeriodUnit
from contracts.supervision import ProviderEvaluated
from contracts.values import Frequency
from devstack.infra import Infra
from settlement.handlers import readmodels
from settlement.orm import complaint_outcome, inspection

from .test_settlement_kafka import read_topic

pytestmark = pytest.mark.integration

COUNTY, TOWNSHIP, PERIOD = "341721", "341721107", "2024-09"  # only this file evaluates here
STRICTER: dict[str, Any] = {
    "weights": {
        "delivery": 20,
        "timeliness": 10,
        "checks": 30,
        "complaints": 30,
        "acknowledgement": 0,
        "refusals": 10,
    },
    "referral_threshold": 70,
}


async def _month_of_service(world: Any) -> None:
    """One order made 1 Sept, accepted two hours later, served every week of September."""
    who = await world.approve(date(2024, 8, 1))
    when = datetime(2024, 9, 1, 1, 0, tzinfo=UTC)
    order = world.ordering(
        who,
        "CL-01",
        FeeUnit.VISIT,
        start_date=date(2024, 9, 1),
        occurred_at=when,
        frequency=Frequency(times=1, per=PeriodUnit.WEEK),
    )
    await world.run(readmodels.note_order_created, order)
    await world.accept(order, occurred_at=when + timedelta(hours=2))
    for day in (2, 9, 16, 23, 30):
        await world.deliver(order, date(2024, 9, day))


async def _inspect(world: Any, outcome: str, level: str = "township") -> None:
    async with world.db() as s, s.begin():
        values = {
            "inspection_id": uuid.uuid4(),
            "supervision_level": level,
            "kind": "unannounced",
            **world.where(),
            "provider_id": world.provider_id,
            "outcome": outcome,
            "findings": "入户核查",
            "checked_by": "inspector-1",
            "checked_on": date(2024, 9, 18),
        }
        await s.execute(insert(inspection).values(values))


async def _complaint_found_true(world: Any) -> None:
    async with world.db() as s, s.begin():
        values = {
            "complaint_id": uuid.uuid4(),
            "provider_id": world.provider_id,
            "county_code": world.county,
            "township_code": world.township,
            "category": "quality",
            "outcome": "substantiated",
            "substantiated": True,
            "overdue": True,
            "resolved_on": date(2024, 9, 25),
            "version": 3,
        }
        await s.execute(insert(complaint_outcome).values(values))


def _mine(items: list[dict[str, Any]], *worlds: Any) -> dict[str, list[dict[str, Any]]]:
    ids = {str(w.provider_id): [] for w in worlds}  # type: dict[str, list[dict[str, Any]]]
    for item in items:
        if item["subject"] in ids:
            ids[item["subject"]].append(item)
    return ids


async def test_settlement_evaluations_score_by_the_countys_rule_revise_publish_and_export(
    infra: Infra,
    scenario: Callable[..., Any],
    client: httpx.AsyncClient,
    auth: Callable[..., dict[str, str]],
) -> None:
    officer = auth("county_officer", COUNTY)
    clean, troubled = scenario(TOWNSHIP), scenario(TOWNSHIP)
    for world in (clean, troubled):
        await _month_of_service(world)
    await _inspect(clean, "confirmed")
    await _inspect(troubled, "not_delivered")
    await _inspect(troubled, "confirmed", level="village")  # a follow-up visit of the village
    await _complaint_found_true(troubled)
    a, b = str(clean.provider_id), str(troubled.provider_id)
    run = {"county_code": COUNTY, "period": PERIOD}

    first = await client.post("/evaluations/runs", json=run, headers=officer)
    assert first.status_code == 200, first.text
    assert (first.json()["rule_version"], first.json()["referral_threshold"]) == (1, 60)
    scored = {e["subject"]: e for e in first.json()["evaluated"]}
    assert scored[b]["score"] < scored[a]["score"]  # the complaint and the failed check cost
    assert scored[b]["figures"]["complaints_substantiated"] == 1
    assert scored[b]["figures"]["checks_failed"] == 1 and scored[a]["figures"]["checks_failed"] == 0
    assert scored[a]["revision"] == scored[b]["revision"] == 1

    again = await client.post("/evaluations/runs", json=run, headers=officer)
    assert {a, b}.isdisjoint(e["subject"] for e in again.json()["evaluated"])  # idempotent
    assert again.json()["unchanged"] >= 2

    put = await client.put(f"/evaluation-rules/{COUNTY}", json=STRICTER, headers=officer)
    assert put.status_code == 200, put.text
    assert (put.json()["version"], put.json()["changed"], put.json()["is_default"]) == (
        2,
        True,
        False,
    )
    same = await client.put(f"/evaluation-rules/{COUNTY}", json=STRICTER, headers=officer)
    assert (same.json()["version"], same.json()["changed"]) == (2, False)
    versions = (await client.get(f"/evaluation-rules/{COUNTY}", headers=officer)).json()
    assert [(v["version"], v["is_default"]) for v in versions] == [(1, True), (2, False)]

    rerun = await client.post("/evaluations/runs", json=run, headers=officer)
    revised = {e["subject"]: e for e in rerun.json()["evaluated"]}
    assert (revised[a]["revision"], revised[a]["rule_version"], revised[a]["threshold"]) == (
        2,
        2,
        70,
    )
    assert revised[b]["score"] < revised[a]["score"]

    def published(seen: list[Any]) -> bool:
        return {(str(e.provider_id), e.rule_version) for e in seen} >= {
            (a, 1), (b, 1), (a, 2), (b, 2)
        }  # fmt: skip

    events = await read_topic(infra.kafka, topics.SETTLEMENT_EVALUATIONS, published)
    mine = [e for e in events if str(e.provider_id) in {a, b}]
    assert all(isinstance(e, ProviderEvaluated) for e in mine)
    assert len(mine) == 4  # the idempotent re-run published nothing
    latest_b = next(e for e in mine if str(e.provider_id) == b and e.rule_version == 2)
    assert (latest_b.score, latest_b.referral_threshold) == (revised[b]["score"], 70)
    assert (latest_b.complaints_substantiated, latest_b.checks_failed) == (1, 1)
    assert latest_b.period == PERIOD and latest_b.county_code == COUNTY

    query: dict[str, Any] = {**run, "kind": "provider", "size": 100}
    history = await client.get(
        "/evaluations", params={**query, "all_revisions": True}, headers=officer
    )
    assert history.status_code == 200, history.text
    old_and_new = _mine(history.json()["items"], clean, troubled)
    assert [(e["revision"], e["rule_version"]) for e in old_and_new[a]] == [(1, 1), (2, 2)]
    assert old_and_new[a][0]["score"] == scored[a]["score"]  # the old result stays readable
    newest = _mine((await client.get("/evaluations", params=query, headers=officer)).json()["items"], clean, troubled)  # fmt: skip
    assert [e["revision"] for e in newest[b]] == [2]

    township = await client.get("/evaluations", params={**run, "kind": "township"}, headers=officer)
    [here] = [e for e in township.json()["items"] if e["subject"] == TOWNSHIP]
    assert here["figures"]["complaints_overdue"] == 1
    assert (here["figures"]["orders_accepted"], here["figures"]["mean_hours_to_accept"]) == (2, 2.0)
    village = await client.get("/evaluations", params={**run, "kind": "village"}, headers=officer)
    [visits] = [e for e in village.json()["items"] if e["subject"] == clean.village]
    assert visits["figures"] == {"follow_up_visits": 1}

    export = await client.get("/evaluations/export.csv", params=run, headers=officer)
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert export.text.startswith(BOM + "服务供给主体编号")
    rows = {r["服务供给主体编号"]: r for r in csv.DictReader(io.StringIO(export.text.lstrip(BOM)))}
    assert (rows[b]["得分"], rows[b]["评分规则版本"], rows[b]["修订号"]) == (
        str(revised[b]["score"]),
        "2",
        "2",
    )
    assert rows[b]["查证属实投诉数"] == "1" and rows[b]["转介门槛"] == "70"


async def test_settlement_evaluations_refuse_bad_input_and_outsiders(
    client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    officer = auth("county_officer", COUNTY)
    bad = {**STRICTER, "weights": {**STRICTER["weights"], "delivery": 25}}
    refused = await client.put(f"/evaluation-rules/{COUNTY}", json=bad, headers=officer)
    assert refused.status_code == 422
    assert "weights_not_100" in refused.text
    for period in ("2024-13", "24-09", "2024-9"):
        answer = await client.post(
            "/evaluations/runs", json={"county_code": COUNTY, "period": period}, headers=officer
        )
        assert answer.status_code == 422, period
    outsider = auth("county_officer", "341702")
    assert (
        await client.post(
            "/evaluations/runs", json={"county_code": COUNTY, "period": PERIOD}, headers=outsider
        )
    ).status_code == 403
    assert (
        await client.get(
            "/evaluations/export.csv",
            params={"county_code": COUNTY, "period": PERIOD},
            headers=outsider,
        )
    ).status_code == 403
    township_officer = auth("township_officer", TOWNSHIP)
    assert (
        await client.put(f"/evaluation-rules/{COUNTY}", json=STRICTER, headers=township_officer)
    ).status_code == 403


async def test_settlement_a_year_is_evaluated_from_its_months(
    scenario: Callable[..., Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    world = scenario("341721108")
    await _month_of_service(world)
    run = {"county_code": COUNTY, "period": "2024"}
    answer = await client.post(
        "/evaluations/runs", json=run, headers=auth("county_officer", COUNTY)
    )
    assert answer.status_code == 200, answer.text
    [mine] = [e for e in answer.json()["evaluated"] if e["subject"] == str(world.provider_id)]
    assert mine["period"] == "2024"
    # September's five weekly services, out of the 17 weeks from 1 September to 31 December.
    assert (mine["figures"]["delivered_services"], mine["figures"]["ordered_services"]) == (5, 17)
    assert mine["figures"]["records_billed"] == 5
