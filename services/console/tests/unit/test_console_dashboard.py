"""The dashboard's chart options and tables, the provider and file screens, with fake services."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from console import dashboards as charts

pytestmark = pytest.mark.unit

SPANS = [
    {
        "span": "registration",
        "span_zh": "申请→受理登记",
        "count": 3,
        "median_days": 1.5,
        "p90_days": 2.8,
    },
    {
        "span": "survey",
        "span_zh": "受理登记→入户调查完成",
        "count": 2,
        "median_days": 4,
        "p90_days": 6,
    },
    {
        "span": "whole",
        "span_zh": "申请→首次服务（全流程）",
        "count": 0,
        "median_days": None,
        "p90_days": None,
    },
]
SLOW = {
    "application_id": None,
    "service_number": "341702-2026-00017",
    "display_name": "周**",
    "village_code": "341702100201",
    "place_zh": "贵池区殷汇镇示例一村",
    "category_zh": "特困人员",
    "outcome": "open",
    "outcome_zh": "办理中",
    "elapsed_days": 23,
    "steps": {"submitted": "2026-11-14", "registered": "2026-11-15"},
}
TIMING = {
    "division_code": "341702100",
    "month": "2026-12",
    "as_of": "2026-12-07",
    "townships": [
        {
            "township_code": "341702100",
            "place_zh": "贵池区殷汇镇",
            "spans": SPANS,
            "slowest": [SLOW],
        }
    ],
}
CASELOAD = {
    "division_code": "341702100",
    "by_category": {"tekun": 3, "dibao": 1},
    "rows": [
        {
            "township_code": "341702100",
            "village_code": "341702100201",
            "place_zh": "贵池区殷汇镇示例一村",
            "category": "tekun",
            "category_zh": "特困人员",
            "served": 2,
            "suspended": 1,
        },
        {
            "township_code": "341702100",
            "village_code": "341702100202",
            "place_zh": "贵池区殷汇镇示例二村",
            "category": "tekun",
            "category_zh": "特困人员",
            "served": 1,
            "suspended": 0,
        },
        {
            "township_code": "341702100",
            "village_code": "341702100202",
            "place_zh": "贵池区殷汇镇示例二村",
            "category": "dibao",
            "category_zh": "低保对象",
            "served": 1,
            "suspended": 0,
        },
    ],
}
COVERAGE = {
    "division_code": "341702100",
    "month": "2026-12",
    "approved_items": 6,
    "served_items": 3,
    "ratio": 0.5,
    "villages": [
        {
            "township_code": "341702100",
            "village_code": "341702100201",
            "place_zh": "贵池区殷汇镇示例一村",
            "approved_items": 4,
            "served_items": 3,
            "ratio": 0.75,
        },
        {
            "township_code": "341702100",
            "village_code": "341702100202",
            "place_zh": "贵池区殷汇镇示例二村",
            "approved_items": 2,
            "served_items": 0,
            "ratio": 0.0,
        },
    ],
}
STOPS = {
    "division_code": "341702100",
    "month": "2026-12",
    "stops": [
        {
            "service_number": "341702-2026-00003",
            "display_name": "王**",
            "village_code": "341702100201",
            "place_zh": "贵池区殷汇镇示例一村",
            "status": "stopped",
            "status_zh": "停止",
            "effective_date": "2026-12-02",
            "orders_ended": [
                {
                    "order_id": "00000000-0000-0000-0000-000000000001",
                    "provider_code": "kangyang",
                    "cancelled_at": "2026-12-02T01:00:00Z",
                    "acknowledgement": "late",
                    "acknowledgement_zh": "逾期未确认",
                }
            ],
            "orders_still_open": 1,
        },
    ],
    "providers": [{"provider_code": "kangyang", "in_time": 2, "late": 1, "pending": 0}],
}
ANSWERS = {"chain-timing": TIMING, "caseload": CASELOAD, "coverage": COVERAGE, "stops": STOPS}


def test_timing_chart_has_median_and_p90_per_step_and_the_same_table() -> None:
    chart = charts.timing_chart(TIMING["townships"][0])
    options = json.loads(chart.options_json)
    assert options["xAxis"]["data"] == [s["span_zh"] for s in SPANS]
    assert [s["name"] for s in options["series"]] == [charts.MEDIAN, charts.P90]
    assert options["series"][0]["data"] == [1.5, 4.0, None]
    assert options["series"][1]["data"] == [2.8, 6.0, None]
    assert chart.rows == [
        ["申请→受理登记", 3, 1.5, 2.8],
        ["受理登记→入户调查完成", 2, 4.0, 6.0],
        ["申请→首次服务（全流程）", 0, None, None],
    ]


def test_caseload_is_summed_by_category_and_by_village() -> None:
    by_category = charts.caseload_by_category(CASELOAD)
    assert by_category.rows == [["特困人员", 3, 1], ["低保对象", 1, 0]]
    assert by_category.options["series"][0]["stack"] == "all"
    by_village = charts.caseload_by_village(CASELOAD)
    assert by_village.rows == [["贵池区殷汇镇示例一村", 2, 1], ["贵池区殷汇镇示例二村", 2, 0]]
    assert by_village.options["xAxis"]["data"] == ["示例一村", "示例二村"]


def test_coverage_and_acknowledgements() -> None:
    coverage = charts.coverage_chart(COVERAGE)
    assert coverage.options["series"][1]["data"] == [3, 0]
    assert coverage.rows[0][-1] == "75.0%" and charts.percent(None) == "—"
    acks = charts.acknowledgement_chart(STOPS)
    assert [s["name"] for s in acks.options["series"]] == ["按时确认", "逾期未确认", "等待确认"]
    assert acks.rows == [["kangyang", 2, 1, 0]]


def test_months_and_metric_totals() -> None:
    assert charts.months_before(date(2026, 2, 10), 3) == ["2026-02", "2026-01", "2025-12"]
    text = (
        "# HELP civic_dlq_depth x\n# TYPE civic_dlq_depth gauge\n"
        'civic_dlq_depth{topic="a.dlq"} 2.0\ncivic_dlq_depth{topic="b.dlq"} 3.0\n'
        "civic_parked_messages 1.0\ncivic_kafka_up 1.0\n"
    )
    found = charts.metric_totals(text, ["civic_dlq_depth", "civic_parked_messages", "civic_x"])
    assert found == {"civic_dlq_depth": 5.0, "civic_parked_messages": 1.0}


def archive_dashboards(request: httpx.Request) -> httpx.Response:
    what = request.url.path.rsplit("/", 1)[-1]
    return httpx.Response(200, json=ANSWERS[what])


async def test_the_dashboard_page_carries_options_and_tables(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["archive"] = archive_dashboards
    await signer(console, issuer_app)
    page = await console.get("/dashboard", params={"month": "2026-12"})
    assert page.status_code == 200, page.text
    assert page.text.count("data-chart=") == 5
    assert "/static/vendor/echarts.min.js" in page.text and "/static/dashboard.js" in page.text
    assert "341702-2026-00017" in page.text and "周**" in page.text and "逾期未确认" in page.text
    assert "覆盖率 50.0%" in page.text
    sent = {r.url.path: r.url.params for r in fakes.seen}
    assert sent["/dashboards/chain-timing"]["month"] == "2026-12"


async def test_one_refused_figure_shows_in_its_section_and_the_rest_draws(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    def stops_refused(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/stops"):
            return httpx.Response(
                403, json={"detail": "超出您的辖区", "code": "outside_jurisdiction"}
            )
        return archive_dashboards(request)

    fakes.on["archive"] = stops_refused
    await signer(console, issuer_app)
    page = await console.get("/dashboard")
    assert page.status_code == 200
    assert "超出您的辖区" in page.text and page.text.count("data-chart=") == 4


async def test_the_dashboard_is_for_officers_and_the_system_page_for_admins(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["archive"] = lambda r: httpx.Response(200, text='civic_dlq_depth{topic="x"} 4\n')
    fakes.on["dispatch"] = lambda r: httpx.Response(401, json={"detail": "监控指标需要令牌"})
    await signer(console, issuer_app, role="admin", division="341702")
    assert (await console.get("/dashboard")).status_code == 403
    page = await console.get("/dashboard/system")
    assert page.status_code == 200
    assert "档案公示" in page.text and '<td class="warn">4</td>' in page.text
    assert "METRICS_TOKEN" in page.text  # dispatch guards /metrics with a token
    assert "服务暂不可用" in page.text  # the others are down
    metrics = [r for r in fakes.seen if r.url.path == "/metrics"]
    assert metrics and all("authorization" not in r.headers for r in metrics)


PROVIDER = {
    "provider_id": "00000000-0000-0000-0000-0000000000aa",
    "code": "kangyang",
    "name_zh": "池州康养服务中心",
    "provider_type": "social_organisation",
    "credit_code": None,
    "county_code": "341702",
    "status": "active",
    "version": 1,
    "capacity": 50,
    "township_codes": ["341702100"],
    "village_codes": [],
    "item_codes": ["LC-01"],
    "modes": ["home"],
    "service_categories": ["life_care"],
    "qualification": {
        "name_zh": "养老机构备案",
        "number": "A-1",
        "valid_from": "2026-01-01",
        "valid_until": None,
    },
    "agreement_ends_on": None,
    "contacts": [{"name_zh": "李经理", "phone": "13805660000", "role_zh": "负责人"}],
    "suspension_reason_code": None,
    "suspended_from": None,
    "topics": {"orders": "provider.kangyang.orders.v1", "replies": "provider.kangyang.replies.v1"},
}


async def test_credentials_are_shown_once_and_never_again(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    def dispatch(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(
                201,
                json={
                    "bootstrap_servers": "kafka:9093",
                    "security_protocol": "SASL_SSL",
                    "sasl_mechanism": "SCRAM-SHA-512",
                    "ca_certificate_pem": "-----BEGIN CERTIFICATE-----",
                    "username": "provider-kangyang",
                    "password": "s3cret-once",
                    "orders_topic": "o",
                    "replies_topic": "r",
                    "consumer_group_prefix": "provider-kangyang.",
                },
            )
        if request.url.path == "/providers":
            return httpx.Response(
                200, json={"items": [PROVIDER], "total": 1, "page": 1, "size": 20}
            )
        return httpx.Response(200, json=PROVIDER)

    fakes.on["dispatch"] = dispatch
    done = await signer(console, issuer_app, role="county_officer", division="341702")
    csrf = await _csrf(console, "/providers/kangyang")
    listing = await console.get("/providers")
    assert "池州康养服务中心" in listing.text and 'href="/providers/kangyang"' in listing.text
    issued = await console.post("/providers/kangyang/bus-credentials", data={"csrf_token": csrf})
    assert (
        issued.status_code == 201 and "s3cret-once" in issued.text and "仅显示这一次" in issued.text
    )
    assert issued.headers["cache-control"] == "no-store"
    again = await console.get("/providers/kangyang")
    assert "s3cret-once" not in again.text and "发放接入凭证" in again.text
    assert done.status_code == 303


async def _csrf(console: httpx.AsyncClient, path: str) -> str:
    text = (await console.get(path)).text
    return text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def test_a_file_shows_documents_through_the_console_and_downloads_as_the_user(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    file_id, doc_id = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    summary = {
        "file_id": file_id,
        "service_number": "341702-2026-00017",
        "display_name": "周**",
        "village_code": "341702100201",
        "place_zh": "贵池区殷汇镇示例一村",
        "category_zh": "特困人员",
        "status_zh": "正常",
        "route_zh": "审核确认",
        "approved_on": "2026-12-01",
        "served_since": "2026-12-01",
    }
    whole = {
        "file": summary,
        "needs_assessment": {"approved_items": []},
        "orders": [],
        "services": {"delivered": 2, "refused": 0, "last_service_date": None},
        "status_changes": [],
        "checklist": [
            {"kind": "id_card", "label_zh": "身份证复印件", "state_zh": "齐全", "generated": False}
        ],
        "documents": [
            {
                "document_id": doc_id,
                "kind": "id_card",
                "filename": "身份证.pdf",
                "uploaded_at": "2026-12-01T02:00:00Z",
            }
        ],
    }

    def archive(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(f"/documents/{doc_id}"):
            return httpx.Response(
                200,
                content=b"%PDF-1.4",
                headers={
                    "content-type": "application/pdf",
                    "content-disposition": "attachment; filename=x.pdf",
                },
            )
        if path.endswith("/history"):
            return httpx.Response(200, json={"items": [], "total": 0, "page": 1, "size": 50})
        return httpx.Response(200, json=whole)

    fakes.on["archive"] = archive
    await signer(console, issuer_app)
    page = await console.get(f"/files/{file_id}")
    assert page.status_code == 200 and "341702-2026-00017" in page.text
    link = f"/files/{file_id}/documents/{doc_id}"
    assert f'href="{link}"' in page.text
    got = await console.get(link)
    assert got.content == b"%PDF-1.4" and got.headers["content-type"] == "application/pdf"
    assert got.headers["cache-control"] == "no-store"
    sent = next(r for r in fakes.seen if r.url.path == link)
    assert sent.headers["authorization"].startswith("Bearer ")


async def test_the_system_page_sends_the_configured_metrics_token_not_the_users(
    settings: Any, issuer_app: Any, signer: Any, fakes: Any, console_with: Any
) -> None:
    guarded = settings.model_copy(update={"metrics_token": SecretStr("m-token-123")})

    def metrics(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != "Bearer m-token-123":
            return httpx.Response(401, json={"detail": "监控指标需要令牌"})
        return httpx.Response(200, text='civic_parked_messages{topic="x"} 2\n')

    for service in ("intake", "survey", "review", "dispatch", "settlement", "archive"):
        fakes.on[service] = metrics
    async with console_with(guarded, issuer_app, fakes) as console:
        await signer(console, issuer_app, role="admin", division="341702")
        page = await console.get("/dashboard/system")
    assert page.status_code == 200 and "METRICS_TOKEN" not in page.text
    assert page.text.count('<td class="warn">2</td>') == 6  # every service's parked count
