"""抽查 (county) against faked settlement: draws, results, coverage, past draws."""

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
    PROBLEM_422,
    PROVIDER,
    answering,
    county_officer,
    csrf_of,
    posted,
)

pytestmark = pytest.mark.unit
FIGURES = {"services": 100, "drawn": 30, "checked": 12, "passed": 11, "failed": 1,
           "drawn_percent": 30.0, "checked_percent": 12.0, "pass_rate_percent": 91.7,
           "meets_minimum": False}  # fmt: skip
COVERAGE = {"county_code": COUNTY, "year": 2026, "county": FIGURES,
            "providers": [{**FIGURES, "provider_id": PROVIDER, "provider_code": "P-JX01"}]}  # fmt: skip
CHECKS = {"items": [{"spot_check_id": CHECK, "record_id": "77777777-aaaa-4000-8000-000000000003",
                     "person_id": "p", "county_code": COUNTY, "township_code": "341702100",
                     "provider_id": PROVIDER, "item_code": "LC-01", "year": 2026, "outcome": None,
                     "passed": None, "notes": None, "checked_by": None, "checked_on": None}],
          "total": 45, "page": 1, "size": 20}  # fmt: skip

DRAWS = {"items": [
    {"draw_id": CHECK, "county_code": COUNTY, "year": 2025, "seed": "b7e1c2d4", "rate_bp": 3500,
     "population": 120, "drawn": 12, "drawn_by": "county-7", "drawn_at": "2025-11-03T01:30:00Z"},
    {"draw_id": PROVIDER, "county_code": COUNTY, "year": 2025, "seed": "first-seed",
     "rate_bp": 3000, "population": 100, "drawn": 30, "drawn_by": "county-1",
     "drawn_at": "2025-06-01T02:00:00Z"},
], "total": 23, "page": 1, "size": 20}  # fmt: skip
SPOT_ROUTES = {
    ("GET", f"/spot-checks/{COUNTY}/2025"): CHECKS,
    ("GET", f"/spot-checks/{COUNTY}/2025/coverage"): {**COVERAGE, "year": 2025},
    ("GET", f"/spot-checks/{COUNTY}/2025/draws"): DRAWS,
}


async def test_spot_checks_list_the_drawn_records_with_pages_and_the_coverage(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(SPOT_ROUTES)
    shown = await console.get("/spot-checks", params={"year": 2025, "open_only": "true", "page": 2})
    assert shown.status_code == 200
    asked = next(r for r in fakes.seen if r.url.path == f"/spot-checks/{COUNTY}/2025")
    assert asked.url.params["page"] == "2" and asked.url.params["open_only"] == "true"
    assert "共 45 条" in shown.text and "LC-01" in shown.text and "P-JX01" in shown.text
    assert "殷汇镇" in shown.text and f'action="/spot-checks/{CHECK}/result"' in shown.text
    assert "尚未达到" in shown.text and "91.7%" in shown.text
    assert "open_only=true" in shown.text  # the pager keeps the filter


async def test_the_years_past_draws_show_newest_first_with_their_own_pages(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(SPOT_ROUTES)
    shown = await console.get("/spot-checks", params={"year": 2025, "page": 3, "draws_page": 1})
    assert shown.status_code == 200 and "2025 年历次抽取" in shown.text
    asked = next(r for r in fakes.seen if r.url.path == f"/spot-checks/{COUNTY}/2025/draws")
    assert (asked.url.params["page"], asked.url.params["size"]) == ("1", "20")
    part = shown.text.split('id="draws-heading"')[1].split("</section>")[0]
    assert part.index("b7e1c2d4") < part.index("first-seed")  # as settlement ordered them
    assert "35%" in part and "120 条" in part and "12 条" in part and "county-7" in part
    assert "2025-11-03 09:30" in part and "共 23 次" in part
    assert "year=2025&amp;page=3&amp;draws_page=2" in part  # the list's page stays
    fakes.seen.clear()
    await console.get("/spot-checks", params={"year": 2025, "draws_page": 2})
    asked = next(r for r in fakes.seen if r.url.path == f"/spot-checks/{COUNTY}/2025/draws")
    assert asked.url.params["page"] == "2"
    checks = next(r for r in fakes.seen if r.url.path == f"/spot-checks/{COUNTY}/2025")
    assert checks.url.params["page"] == "1"


async def test_a_draw_sends_seed_and_rate_and_a_refusal_shows_by_its_field(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    draw = {"draw_id": CHECK, "county_code": COUNTY, "year": 2025, "seed": "abc", "rate_bp": 3000,
            "population": 100, "drawn": 30}  # fmt: skip
    fakes.on["settlement"] = answering(
        {**SPOT_ROUTES, ("POST", f"/spot-checks/{COUNTY}/2025/draws"): (201, draw)}
    )
    token = await csrf_of(console, "/spot-checks?year=2025")
    shown = await console.get("/spot-checks?year=2025")
    key = shown.text.split('name="submission_key" value="')[1].split('"')[0]
    form = {"csrf_token": token, "year": "2025", "seed": "abc", "rate_percent": "35",
            "submission_key": key}  # fmt: skip
    done = await console.post("/spot-checks/draws", data=form)
    assert done.status_code == 303 and "drawn=30" in done.headers["location"]
    assert json.loads(posted(fakes)[0].content) == {"seed": "abc", "rate_percent": 35}
    await console.post("/spot-checks/draws", data=form)  # a double submit: the same key
    assert [r.headers["Idempotency-Key"] for r in posted(fakes)] == [key, key]
    problem = {**PROBLEM_422, "errors": [
        {"field": "body.rate_percent", "code": "greater_than_equal", "message": "不能小于30"}]}  # fmt: skip
    fakes.on["settlement"] = answering(
        {**SPOT_ROUTES, ("POST", f"/spot-checks/{COUNTY}/2025/draws"): (422, problem)}
    )
    refused = await console.post(
        "/spot-checks/draws",
        data={"csrf_token": token, "year": "2025", "seed": "abc", "rate_percent": "10"},
    )
    assert refused.status_code == 422
    assert (
        'id="draw-rate_percent-error">不能小于30' in refused.text and 'value="10"' in refused.text
    )


async def test_a_result_sends_the_outcome_and_a_conflict_shows_on_its_row(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    path = f"/spot-checks/{CHECK}/result"
    fakes.on["settlement"] = answering({**SPOT_ROUTES, ("POST", path): {**CHECKS["items"][0]}})
    token = await csrf_of(console, "/spot-checks?year=2025")
    form = {
        "csrf_token": token,
        "year": "2025",
        "outcome": "not_delivered",
        "notes": "家属称未上门",
    }
    done = await console.post(path, data=form)
    assert done.status_code == 303 and f"recorded={CHECK}" in done.headers["location"]
    assert json.loads(posted(fakes)[0].content) == {
        "outcome": "not_delivered",
        "notes": "家属称未上门",
    }
    conflict = {
        "title": "该抽查结果已登记，不能修改",
        "status": 409,
        "code": "spot_check_already_recorded",
    }
    fakes.on["settlement"] = answering({**SPOT_ROUTES, ("POST", path): (409, conflict)})
    refused = await console.post(path, data=form)
    assert refused.status_code == 409 and "该抽查结果已登记，不能修改" in refused.text
    assert 'class="fresh"' in refused.text and 'value="家属称未上门"' in refused.text
    assert (await console.post(path, data={"outcome": "confirmed"})).status_code == 403


async def test_spot_checks_down_shows_in_each_part_and_the_draw_form_stays(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering({("GET", f"/spot-checks/{COUNTY}/2026/coverage"): COVERAGE})
    with clock.using(clock.Clock.fixed(datetime.fromisoformat("2026-06-10T08:00:00+08:00"))):
        shown = await console.get("/spot-checks")
    assert shown.status_code == 200 and "2026 年抽查覆盖率" in shown.text
    assert "未找到" in shown.text and "P-JX01" in shown.text  # the list refused, coverage shown
    fakes.on.pop("settlement")
    shown = await console.get("/spot-checks?year=2026")
    assert (
        shown.text.count("资金结算服务暂不可用") == 3
        and 'action="/spot-checks/draws"' in shown.text
    )


# 绩效评价
