"""入户调查 and 外部状态报告: the township's survey progress and the city's reports to confirm."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from civic import clock
from console.routes.city_reports import consequence
from console.routes.surveys import due_note

pytestmark = pytest.mark.unit

SURVEY_ID = "5b0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c"
APP_ID = "0d3c2b1a-0000-4000-8000-000000000001"
TASK = {
    "survey_id": SURVEY_ID,
    "application_id": APP_ID,
    "person_id": "0d3c2b1a-0000-4000-8000-000000000002",
    "display_name": "张*英",
    "county_code": "341702",
    "township_code": "341702100",
    "village_code": "341702100201",
    "village_name_zh": "池州市贵池区殷汇镇示例一村",
    "category": "tekun",
    "category_zh": "特困人员",
    "status": "team_assigned",
    "status_zh": "待入户调查",
    "version": 2,
    "due_date": "2026-12-04",
    "overdue": True,
    "team": {
        "village_staff_id": "u-village-01",
        "coordinator_id": "u-coordinator-01",
        "assigned_by": "u-village-01",
        "assigned_at": "2026-11-27T02:00:00Z",
    },
    "created_at": "2026-11-27T01:00:00Z",
    "updated_at": "2026-11-27T02:00:00Z",
}
ON_TIME = {**TASK, "survey_id": "6b0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c", "display_name": "李*华"}
ON_TIME.update(status="open", status_zh="待派调查组", due_date="2026-12-10", overdue=False)
ON_TIME["team"] = None
FINDINGS = {
    "visited_at": "2026-12-01T01:30:00Z",
    "location": {"latitude": 30.66, "longitude": 117.49, "accuracy_m": 15},
    "living_situation": {"lives_alone": True, "has_caregiver": False, "notes": "独居平房"},
    "self_care_level": "moderate",
    "confirmed_conditions": ["semi_disabled_elder"],
    "health_notes": "行动不便",
    "care_needs": [{"service_category": "life_care", "item_codes": ["LC-01"], "urgent": True}],
    "household_members": [
        {
            "name": "张桂英",
            "relation": "本人",
            "id_number_masked": "3417**********0037",
            "present_at_visit": True,
        }
    ],
    "identity_verified": True,
    "income_assets_notes": None,
    "photo_refs": ["photos/a.jpg"],
    "confirmed_by": ["u-village-01", "u-coordinator-01"],
    "submission_id": "7b0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c",
    "submitted_by": "u-village-01",
    "received_at": "2026-12-01T02:00:00Z",
}
REVIEW = {
    "outcome": "failed",
    "reason_code": "not_reachable",
    "reason_zh": "三次入户未见本人",
    "reviewed_by": ["u-village-01", "u-coordinator-01"],
    "recorded_by": "u-village-01",
    "recorded_at": "2026-12-02T02:00:00Z",
}
REPORT_ID = "9a0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c"
REPORT = {
    "report_id": REPORT_ID,
    "recipient_id": "8a0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c",
    "person_id": "0d3c2b1a-0000-4000-8000-000000000002",
    "display_name": "张*英",
    "township_code": "341702100",
    "village_code": "341702100201",
    "village_name_zh": "池州市贵池区殷汇镇示例一村",
    "status": "deceased",
    "status_zh": "死亡",
    "effective_date": "2026-12-01",
    "city_reason_code": "D01",
    "reason_zh": "户籍注销",
    "external_reference": "c-881:deceased:2026-12-01",
    "state": "pending",
    "state_zh": "待确认",
    "refusal_code": None,
    "refusal_zh": None,
    "received_at": "2026-12-02T01:00:00Z",
    "decided_by": None,
    "decided_at": None,
    "decision_note": None,
}


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    """Business dates read 2026-12-07 in Chizhou."""
    with clock.using(clock.Clock.fixed(datetime(2026, 12, 7, 2, tzinfo=UTC))):
        yield


def paged(items: list[dict[str, Any]], total: int, page: int = 1) -> httpx.Response:
    return httpx.Response(200, json={"items": items, "total": total, "page": page, "size": 20})


#: What survey counts across the scope, whatever the filters.
PROGRESS = {
    "by_status": {"open": 3, "team_assigned": 5, "findings_submitted": 2},
    "overdue_total": 4,
}


def survey_fake(request: httpx.Request) -> httpx.Response:
    if request.url.path == f"/survey-tasks/{SURVEY_ID}":
        return httpx.Response(
            200, json={**TASK, "findings": FINDINGS, "preliminary_review": REVIEW}
        )
    if request.url.path == f"/survey-tasks/{ON_TIME['survey_id']}":
        return httpx.Response(200, json={**ON_TIME, "findings": None, "preliminary_review": None})
    listed = paged([TASK, ON_TIME], 41, int(request.url.params.get("page", 1)))
    return httpx.Response(200, json={**listed.json(), **PROGRESS})


def query(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}


async def csrf_of(console: httpx.AsyncClient, path: str) -> str:
    page = await console.get(path)
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_due_date_reads_as_days_left_or_overdue() -> None:
    day = date(2026, 12, 7)
    assert due_note(TASK, day) == "逾期 3 天"
    assert due_note(ON_TIME, day) == "剩 3 天"
    assert due_note({**ON_TIME, "due_date": "2026-12-07"}, day) == "今日到期"
    assert due_note({**TASK, "status": "passed"}, day) == ""  # visited: no countdown


async def test_the_survey_list_shows_progress_overdue_tasks_and_passes_filters(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["survey"] = survey_fake
    page = await console.get("/surveys?status=team_assigned&village_code=341702100201&page=2")
    assert page.status_code == 200
    assert "张*英" in page.text and "池州市贵池区殷汇镇示例一村" in page.text
    assert 'class="overdue"' in page.text and "<strong>逾期 3 天</strong>" in page.text
    assert "剩 3 天" in page.text and "逾期未入户 4 项" in page.text and "未指派" in page.text
    assert 'id="count-team_assigned">5<' in page.text and 'id="count-passed">0<' in page.text
    assert 'id="count-overdue">4<' in page.text
    assert '<option value="341702100202">示例二村</option>' in page.text
    listed = [query(r) for r in fakes.seen if r.url.path == "/survey-tasks"]
    assert listed == [  # one call: the progress comes with the page
        {"status": "team_assigned", "village_code": "341702100201", "page": "2", "size": "20"}
    ]
    assert "/surveys?status=team_assigned&amp;village_code=341702100201&amp;page=3" in page.text
    only_late = await console.get("/surveys?overdue=true")
    assert (
        only_late.status_code == 200
        and 'id="filter-overdue" name="overdue" value="true" checked' in only_late.text
    )
    assert query([r for r in fakes.seen if r.url.path == "/survey-tasks"][-1])["overdue"] == "true"


async def test_a_survey_task_shows_team_findings_masked_and_the_preliminary_review(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["survey"] = survey_fake
    page = await console.get(f"/surveys/{SURVEY_ID}")
    assert page.status_code == 200
    assert "u-coordinator-01" in page.text and "中度失能" in page.text
    assert "3417**********0037" in page.text and "341702195001010037" not in page.text
    assert "三次入户未见本人" in page.text and f'href="/reviews/{APP_ID}"' in page.text
    assert "生活照料" in page.text and "逾期 3 天" in page.text
    assert not [r for r in fakes.seen if r.method != "GET"]  # a township officer only reads
    fresh = await console.get(f"/surveys/{ON_TIME['survey_id']}")
    assert "尚未指派调查组" in fresh.text and "尚未上传入户调查结果" in fresh.text
    assert "尚未初审" in fresh.text and "剩 3 天" in fresh.text


async def test_an_unknown_survey_task_and_a_down_survey_read_in_chinese(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    problem = {"status": 404, "code": "survey_not_found", "detail": "未找到该调查任务"}
    fakes.on["survey"] = lambda r: httpx.Response(404, json=problem)
    missing = await console.get(f"/surveys/{SURVEY_ID}")
    assert missing.status_code == 404 and "未找到该调查任务" in missing.text
    del fakes.on["survey"]
    down = await console.get("/surveys")
    assert down.status_code == 200
    assert down.text.count("入户调查服务暂不可用") == 2  # the counts and the list
    assert 'id="filter-village"' in down.text  # the filters still work


def review_fake(answers: dict[str, httpx.Response]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return answers.get(request.url.path.rsplit("/", 1)[-1], httpx.Response(200, json={}))
        refused = {**REPORT, "report_id": "1a0c6f2e-8a57-4d7e-9c11-2f3e4d5a6b7c"}
        refused.update(
            state="refused", refusal_zh="与现有记录冲突", status="stopped", status_zh="停止"
        )
        return paged([REPORT, refused], 2)

    return handle


async def test_the_city_reports_queue_states_the_consequence_before_confirming(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["review"] = review_fake({})
    page = await console.get("/city-reports?state=pending&page=2")
    assert page.status_code == 200
    sent = fakes.seen[-1]
    assert sent.url.path == "/townships/341702100/city-reports"
    assert query(sent) == {"state": "pending", "page": "2", "size": "20"}
    assert "确认后该服务对象（张*英）的救助状态将自 2026-12-01 起变更为“死亡”" in page.text
    assert "其未完成的服务工单将被取消" in page.text and "与现有记录冲突" in page.text
    assert "市救助系统，报告编号 c-881:deceased:2026-12-01" in page.text
    assert f'action="/city-reports/{REPORT_ID}/confirm"' in page.text
    assert f'<label for="reason-{REPORT_ID}">' in page.text


async def test_confirming_and_rejecting_send_what_review_takes(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    fakes.on["review"] = review_fake({})
    token = await csrf_of(console, "/city-reports")
    form = {"csrf_token": token, "state": "pending", "page": "1"}
    done = await console.post(f"/city-reports/{REPORT_ID}/confirm", data=form)
    assert done.status_code == 303
    assert done.headers["location"] == (
        f"/city-reports?state=pending&page=1&done=confirmed&report={REPORT_ID}"
    )
    posted = [r for r in fakes.seen if r.method == "POST"]
    assert posted[-1].url.path == f"/city-reports/{REPORT_ID}/confirm" and not posted[-1].content
    reason = {**form, "reason_zh": " 经入户核实，本人健在 "}
    done = await console.post(f"/city-reports/{REPORT_ID}/reject", data=reason)
    assert done.status_code == 303 and "done=rejected" in done.headers["location"]
    sent = [r for r in fakes.seen if r.method == "POST"][-1]
    assert sent.url.path == f"/city-reports/{REPORT_ID}/reject"
    assert json.loads(sent.content) == {"reason_zh": "经入户核实，本人健在"}
    shown = await console.get(done.headers["location"])
    assert "已不予采纳市救助系统报告" in shown.text


async def test_a_refused_rejection_shows_the_chinese_message_at_the_reason(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    problem = {
        "status": 422,
        "code": "validation_failed",
        "title": "数据校验失败",
        "errors": [{"field": "body.reason_zh", "code": "string_too_short", "message": "内容过短"}],
    }
    conflict = {"status": 409, "code": "not_a_recipient", "detail": "该人员仍不是服务对象"}
    answers = {
        "reject": httpx.Response(422, json=problem),
        "confirm": httpx.Response(409, json=conflict),
    }
    fakes.on["review"] = review_fake(answers)
    token = await csrf_of(console, "/city-reports")
    refused = await console.post(
        f"/city-reports/{REPORT_ID}/reject", data={"csrf_token": token, "reason_zh": "x"}
    )
    assert refused.status_code == 422
    assert f'<p class="field-error" id="reason-{REPORT_ID}-error">内容过短</p>' in refused.text
    assert f'aria-describedby="reason-{REPORT_ID}-error"' in refused.text
    assert ">x</textarea>" in refused.text
    conflicted = await console.post(
        f"/city-reports/{REPORT_ID}/confirm", data={"csrf_token": token}
    )
    assert conflicted.status_code == 409 and "该人员仍不是服务对象" in conflicted.text


async def test_city_report_posts_need_the_csrf_token_and_a_down_review_shows(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app)
    for action in ("confirm", "reject"):
        refused = await console.post(f"/city-reports/{REPORT_ID}/{action}", data={})
        assert refused.status_code == 403 and "安全校验码" in refused.text
    assert not [r for r in fakes.seen if r.method == "POST"]
    down = await console.get("/city-reports")
    assert down.status_code == 200 and "审核确认服务暂不可用" in down.text
    assert 'id="filter-state"' in down.text


async def test_an_account_without_a_township_reads_no_city_reports(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="county_officer", division="341702")
    page = await console.get("/city-reports")
    assert "须为乡镇(街道)账号" in page.text
    assert not [r for r in fakes.seen if r.url.path.endswith("/city-reports")]


def test_a_report_about_no_recipient_says_it_may_not_apply() -> None:
    about = {**REPORT, "recipient_id": None, "display_name": None, "state": "no_recipient"}
    assert "该人员目前不是服务对象" in consequence(about)
    assert "工单将暂停" in consequence({**REPORT, "status": "suspended", "status_zh": "暂停"})
