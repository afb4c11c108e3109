"""绩效评价 (county) against faked settlement: a month's figures, evaluations, runs, the CSV."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest

from civic import clock

from .county_steps import (
    CHECK,
    COUNTY,
    PROVIDER,
    answering,
    county_officer,
    csrf_of,
    posted,
)

pytestmark = pytest.mark.unit
PERF = {"county_code": COUNTY, "period": "2026-05", "providers": [
    {"provider_id": PROVIDER, "provider_code": "P-JX01", "orders": 10, "accepted": 9, "declined": 1,
     "mean_hours_to_accept": 3.5, "accept_within_hours": 24, "accepted_on_time": 8,
     "ordered_services": 40, "delivered_services": 38, "delivery_rate_percent": 95.0,
     "billed_fen": 123456, "records_billed": 38, "records_reversed": 1, "spot_checked": 5,
     "spot_passed": 4, "pass_rate_percent": 80.0, "inspected": 1, "inspections_passed": 1,
     "checks_failed": 1, "complaints_substantiated": 0,
     "status_changes_acknowledged_on_time": None}]}  # fmt: skip
EVALS = {"items": [{"evaluation_id": CHECK, "kind": "provider", "subject": PROVIDER,
                    "provider_code": "P-JX01", "county_code": COUNTY, "period": "2026-05",
                    "revision": 2, "rule_version": 1, "score": 58, "threshold": 60,
                    "below_threshold": True, "figures": {"criteria_percent": {"delivery": 95}},
                    "computed_at": "2026-06-01T01:00:00Z"}],
         "total": 21, "page": 1, "size": 20}  # fmt: skip
PERF_ROUTES = {("GET", f"/performance/{COUNTY}/2026-05"): PERF, ("GET", "/evaluations"): EVALS}


async def test_performance_defaults_to_last_month_in_chizhou_and_lists_the_evaluations(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(PERF_ROUTES)
    # 1 June 00:30 in Chizhou is still 31 May in UTC: a UTC "today" would pick April.
    with clock.using(clock.Clock.fixed(datetime.fromisoformat("2026-06-01T00:30:00+08:00"))):
        shown = await console.get("/performance")
    assert shown.status_code == 200 and "2026-05 服务机构绩效" in shown.text
    assert "1,234.56" in shown.text and "95.0%" in shown.text and "P-JX01" in shown.text
    assert "58（低于门槛，暂停新转介）" in shown.text and "95%" in shown.text
    asked = next(r for r in fakes.seen if r.url.path == "/evaluations")
    assert dict(asked.url.params) == {"county_code": COUNTY, "period": "2026-05",
                                      "kind": "provider", "page": "1", "size": "20"}  # fmt: skip
    assert 'href="/performance/export.csv?period=2026-05"' in shown.text


async def test_performance_passes_filters_and_pages_and_a_year_to_the_evaluations(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(PERF_ROUTES)
    params = {"month": "2026-05", "scope": "year", "kind": "township", "page": 2}
    shown = await console.get("/performance", params=params)
    asked = next(r for r in fakes.seen if r.url.path == "/evaluations")
    assert asked.url.params["period"] == "2026" and asked.url.params["kind"] == "township"
    assert asked.url.params["page"] == "2" and "2026 绩效评价结果（乡镇(街道)）" in shown.text
    bad = await console.get("/performance", params={"month": "2026-13"})
    assert bad.status_code == 200 and "月份格式应为 YYYY-MM" in bad.text


async def test_the_evaluations_csv_is_passed_through(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    csv = "\ufeff服务机构,得分\nP-JX01,58\n".encode()
    headers = {"content-type": "text/csv; charset=utf-8",
               "content-disposition": 'attachment; filename="evaluations-341702-2026-05.csv"'}  # fmt: skip
    fakes.on["settlement"] = lambda r: httpx.Response(200, content=csv, headers=headers)
    got = await console.get("/performance/export.csv", params={"period": "2026-05"})
    assert got.status_code == 200 and got.content == csv
    assert "evaluations-341702-2026-05.csv" in got.headers["content-disposition"]
    asked = fakes.seen[-1]
    assert asked.url.path == "/evaluations/export.csv"
    assert dict(asked.url.params) == {"county_code": COUNTY, "period": "2026-05"}
    fakes.on.pop("settlement")
    down = await console.get("/performance/export.csv", params={"period": "2026-05"})
    assert down.status_code == 503 and "资金结算服务暂不可用" in down.text


async def test_a_run_sends_the_county_and_period_and_a_refusal_shows_in_chinese(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    ran = {"county_code": COUNTY, "period": "2026-05", "rule_version": 1, "referral_threshold": 60,
           "evaluated": [EVALS["items"][0]], "unchanged": 2, "areas_revised": 5,
           "not_scored": ["x"]}  # fmt: skip
    fakes.on["settlement"] = answering({**PERF_ROUTES, ("POST", "/evaluations/runs"): ran})
    token = await csrf_of(console, "/performance?month=2026-05")
    done = await console.post("/performance/runs", data={"csrf_token": token, "month": "2026-05"})
    assert done.status_code == 303
    assert json.loads(posted(fakes)[0].content) == {"county_code": COUNTY, "period": "2026-05"}
    after = await console.get(done.headers["location"])
    assert "新评价服务机构 1 家，结果未变 2 家，无可计分数据 1 家" in after.text
    refused = {"title": "无权执行此操作", "detail": "不是本市的县(区)级单位", "status": 403,
               "code": "unknown_county"}  # fmt: skip
    fakes.on["settlement"] = answering(
        {**PERF_ROUTES, ("POST", "/evaluations/runs"): (403, refused)}
    )
    shown = await console.post("/performance/runs", data={"csrf_token": token, "month": "2026-05"})
    assert shown.status_code == 403 and "不是本市的县(区)级单位" in shown.text
    assert (await console.post("/performance/runs", data={"month": "2026-05"})).status_code == 403


async def test_performance_down_shows_in_each_part_and_the_run_form_stays(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    shown = await console.get("/performance?month=2026-05")
    assert shown.status_code == 200 and shown.text.count("资金结算服务暂不可用") == 2
    assert 'action="/performance/runs"' in shown.text
