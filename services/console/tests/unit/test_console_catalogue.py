"""目录与收费 (county) against faked settlement: the version in force, versions, publishing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from console.routes.catalogue import version_body

from .county_steps import (
    COUNTY,
    PROBLEM_422,
    answering,
    county_officer,
    csrf_of,
    posted,
)

pytestmark = pytest.mark.unit
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
