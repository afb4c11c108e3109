"""The county officer's 目录与收费, 抽查 and 绩效评价 screens against faked settlement."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from civic import clock
from console.routes.catalogue import version_body

pytestmark = pytest.mark.unit
COUNTY = "341702"
CHECK = "5f0c6d1e-0000-4000-8000-000000000001"
PROVIDER = "9a9a9a9a-0000-4000-8000-000000000002"
VERSION = {
    "county_code": COUNTY,
    "version": 2,
    "effective_from": "2026-01-01",
    "is_example": True,
    "published_by": "county-1",
    "published_at": "2025-12-20T02:00:00Z",
    "items": [
        {"item_code": "LC-01", "name_zh": "居家照料", "service_category": "life_care",
         "unit": "hour", "fee_fen": 2500, "is_example": True},
        {"item_code": "CL-01", "name_zh": "室内保洁", "service_category": "cleaning",
         "unit": "visit", "fee_fen": 4050, "is_example": False},
    ],
}  # fmt: skip
SUMMARIES = [{k: VERSION[k] for k in ("version", "effective_from", "is_example", "published_by",
                                      "published_at")}]  # fmt: skip
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
PROBLEM_422 = {"title": "数据校验失败", "status": 422, "code": "validation_failed"}


def answering(routes: dict[tuple[str, str], Any]) -> Callable[[httpx.Request], httpx.Response]:
    """A fake settlement answering (method, path) with JSON (or a (status, JSON) pair)."""

    def handle(request: httpx.Request) -> httpx.Response:
        found = routes.get((request.method, request.url.path))
        if found is None:
            return httpx.Response(404, json={"title": "未找到", "code": "not_found"})
        status, body = found if isinstance(found, tuple) else (200, found)
        return httpx.Response(status, json=body)

    return handle


async def county_officer(console: httpx.AsyncClient, issuer_app: Any, signer: Any) -> None:
    """Signs in a county officer of 贵池区."""
    await signer(console, issuer_app, role="county_officer", division=COUNTY)


async def csrf_of(console: httpx.AsyncClient, path: str) -> str:
    text = (await console.get(path)).text
    return text.split('name="csrf_token" value="')[1].split('"')[0]


def posted(fakes: Any) -> list[httpx.Request]:
    return [r for r in fakes.seen if r.method == "POST"]


CATALOGUE_ROUTES = {
    ("GET", f"/catalogue/{COUNTY}"): VERSION,
    ("GET", f"/catalogue/{COUNTY}/versions"): SUMMARIES,
}


# 目录与收费


async def test_catalogue_shows_the_version_in_force_its_fees_in_yuan_and_the_versions(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(CATALOGUE_ROUTES)
    shown = await console.get("/catalogue", params={"on": "2026-03-01"})
    assert shown.status_code == 200
    assert "居家照料" in shown.text and "25.00 / 小时" in shown.text and "40.50 / 次" in shown.text
    assert "<td>生活照料</td>" in shown.text and "<td>小时</td>" in shown.text
    assert "第 2 版" in shown.text and "county-1" in shown.text and "2025-12-20 10:00" in shown.text
    asked = next(r for r in fakes.seen if r.url.path == f"/catalogue/{COUNTY}")
    assert asked.url.params["on"] == "2026-03-01"
    assert 'name="items.0.fee_yuan" value="25.00"' in shown.text


async def test_a_version_is_shown_by_its_number_and_the_new_version_starts_from_it(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    older = {**VERSION, "version": 1, "items": [{**VERSION["items"][1], "fee_fen": 3900}]}
    summaries = [SUMMARIES[0], {**SUMMARIES[0], "version": 1}]  # both from 2026-01-01
    fakes.on["settlement"] = answering({
        **CATALOGUE_ROUTES, ("GET", f"/catalogue/{COUNTY}/versions"): summaries,
        ("GET", f"/catalogue/{COUNTY}/versions/1"): older,
    })  # fmt: skip
    listed = await console.get("/catalogue")
    assert 'href="/catalogue?version=1"' in listed.text  # by number, not by day
    assert 'href="/catalogue?version=2"' not in listed.text  # version 2 is the one shown
    shown = await console.get("/catalogue", params={"version": 1})
    assert shown.status_code == 200 and "收费标准第 1 版" in shown.text
    assert not any(r.url.path == f"/catalogue/{COUNTY}" for r in fakes.seen[-2:])
    assert "39.00 / 次" in shown.text and "居家照料" not in shown.text
    assert (
        'name="items.0.fee_yuan" value="39.00"' in shown.text
        and "取自上方所示第 1 版" in shown.text
    )
    assert 'href="/catalogue?version=2"' in shown.text and 'href="/catalogue"' in shown.text
    missing = {"title": "该县(区)没有第 9 版收费标准", "status": 404,
               "code": "catalogue_version_not_found"}  # fmt: skip
    fakes.on["settlement"] = answering(
        {**CATALOGUE_ROUTES, ("GET", f"/catalogue/{COUNTY}/versions/9"): (404, missing)}
    )
    shown = await console.get("/catalogue", params={"version": 9})
    assert shown.status_code == 200 and "该县(区)没有第 9 版收费标准" in shown.text
    assert "第 2 版" in shown.text  # the list of versions still shows
    assert (await console.get("/catalogue", params={"version": 0})).status_code == 422


def test_fees_typed_in_yuan_become_exact_fen_and_blank_or_removed_rows_are_left_out() -> None:
    form = {
        "row_count": "4", "effective_from": "2027-01-01",
        "items.0.item_code": "LC-01", "items.0.name_zh": "居家照料", "items.0.fee_yuan": "0.29",
        "items.0.service_category": "life_care", "items.0.unit": "hour",
        "items.0.was_fee_fen": "2500", "items.0.is_example": "yes",
        "items.1.item_code": "CL-01", "items.1.fee_yuan": "40.5", "items.1.remove": "yes",
        "items.3.item_code": "hc-02", "items.3.name_zh": "助医", "items.3.fee_yuan": "1,200.10",
        "items.3.service_category": "health_care", "items.3.unit": "visit",
    }  # fmt: skip
    body, rows, errors = version_body(form)
    assert errors == {} and rows == [0, 3]
    assert [i["fee_fen"] for i in body["items"]] == [29, 120010]  # 0.29 元 is 29 fen, not 28
    assert body["items"][1]["item_code"] == "HC-02" and body["effective_from"] == "2027-01-01"
    assert [i["is_example"] for i in body["items"]] == [False, False]
    same = {**form, "items.0.fee_yuan": "25"}
    assert version_body(same)[0]["items"][0]["is_example"] is True  # an unchanged demo fee
    assert version_body({**same, "confirm_fees": "yes"})[0]["items"][0]["is_example"] is False
    assert version_body({**form, "items.3.fee_yuan": "12.345"})[2] == {
        "items.3.fee_yuan": "请填写收费标准（元，最多两位小数），如 25.00"
    }


async def test_publishing_sends_the_version_and_goes_back_to_the_catalogue(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(
        {
            **CATALOGUE_ROUTES,
            ("POST", f"/catalogue/{COUNTY}/versions"): (201, {**VERSION, "version": 3}),
        }
    )
    shown = await console.get("/catalogue")
    key = shown.text.split('name="submission_key" value="')[1].split('"')[0]
    assert len(key) == 32  # a fresh Idempotency-Key per rendered form
    form = {"csrf_token": await csrf_of(console, "/catalogue"), "row_count": "1",
            "effective_from": "2027-01-01", "items.0.item_code": "LC-01", "items.0.name_zh": "居家照料",
            "items.0.service_category": "life_care", "items.0.unit": "hour",
            "items.0.fee_yuan": "26.80", "submission_key": key}  # fmt: skip
    done = await console.post("/catalogue/versions", data=form)
    assert done.status_code == 303 and done.headers["location"] == "/catalogue?published=3"
    # A double submit sends the same key, so settlement publishes one version.
    await console.post("/catalogue/versions", data=form)
    assert [r.headers["Idempotency-Key"] for r in posted(fakes)] == [key, key]
    sent = json.loads(posted(fakes)[0].content)
    assert sent == {"effective_from": "2027-01-01", "items": [
        {"item_code": "LC-01", "name_zh": "居家照料", "service_category": "life_care",
         "unit": "hour", "fee_fen": 2680, "is_example": False}]}  # fmt: skip
    assert "已发布收费标准第 3 版" in (await console.get(done.headers["location"])).text


async def test_a_refused_version_shows_each_message_next_to_its_row_and_keeps_the_input(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    problem = {**PROBLEM_422, "errors": [
        {"field": "body.effective_from", "code": "effective_from_in_past",
         "message": "新版本的执行日期不能早于今天（已结算的费用不得改写）"},
        {"field": "body.items.1.name_zh", "code": "string_too_short", "message": "名称不能为空"}]}  # fmt: skip
    fakes.on["settlement"] = answering(
        {**CATALOGUE_ROUTES, ("POST", f"/catalogue/{COUNTY}/versions"): (422, problem)}
    )
    form = {"csrf_token": await csrf_of(console, "/catalogue"), "row_count": "3",
            "effective_from": "2020-01-01", "items.0.item_code": "LC-01", "items.0.fee_yuan": "25",
            "items.2.item_code": "ZZ-09", "items.2.fee_yuan": "9.90"}  # fmt: skip
    refused = await console.post("/catalogue/versions", data=form)
    assert refused.status_code == 422
    assert posted(fakes)[0].headers["Idempotency-Key"]
    # Refused, nothing was published: the corrected form is sent under a new key.
    again = refused.text.split('name="submission_key" value="')[1].split('"')[0]
    assert again and again != posted(fakes)[0].headers["Idempotency-Key"]
    assert 'id="effective_from-error">新版本的执行日期不能早于今天' in refused.text
    # The body's second item is the form's third row (row 1 was blank).
    assert 'id="items-2-name_zh-error">名称不能为空' in refused.text
    assert 'value="2020-01-01"' in refused.text and 'value="9.90"' in refused.text


async def test_a_fee_that_is_not_an_amount_is_refused_before_settlement(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    fakes.on["settlement"] = answering(CATALOGUE_ROUTES)
    form = {"csrf_token": await csrf_of(console, "/catalogue"), "row_count": "1",
            "effective_from": "2027-01-01", "items.0.item_code": "LC-01", "items.0.fee_yuan": "二十"}  # fmt: skip
    refused = await console.post("/catalogue/versions", data=form)
    assert refused.status_code == 422 and "请填写收费标准（元" in refused.text
    assert 'aria-describedby="items-0-fee_yuan-error"' in refused.text and not posted(fakes)


async def test_catalogue_down_shows_where_it_matters_and_a_post_needs_csrf(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await county_officer(console, issuer_app, signer)
    shown = await console.get("/catalogue")
    assert shown.status_code == 200 and shown.text.count("资金结算服务暂不可用") == 2
    assert "发布新版本" in shown.text
    refused = await console.post("/catalogue/versions", data={"effective_from": "2027-01-01"})
    assert refused.status_code == 403 and not posted(fakes)


# 抽查


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
