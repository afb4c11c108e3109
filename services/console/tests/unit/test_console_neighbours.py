"""邻里互助 (helpers, their year, doorbell alerts and answering one) and 工单's view of the
changes providers have not acknowledged, against a faked dispatch."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.unit

TOWNSHIP = "341702100"
VILLAGE = "341702100201"
ALERT_OPEN = "0b9d6c4e-0000-4000-8000-000000000001"
ALERT_DONE = "0b9d6c4e-0000-4000-8000-000000000002"

OTHER_VILLAGE = f"{TOWNSHIP}202"


def helper(helper_id: str, village: str, name: str) -> dict[str, Any]:
    return {
        "helper_id": helper_id,
        "village_code": village,
        "name_zh": name,
        "user_id": f"nb-{helper_id}",
        "channel": "sms",
        "trained_on": "2026-03-01",
        "active": True,
    }


HELPERS = {
    "items": [helper("li", VILLAGE, "李四邻"), helper("wang", OTHER_VILLAGE, "王五邻")],
    "total": 21,
    "page": 1,
    "size": 20,
}
SUMMARY = {
    "village_code": VILLAGE,
    "year": 2026,
    "helpers": [{"helper_id": "h-1", "name_zh": "李四邻", "services": 17, "days": 9}],
}


def alert(alert_id: str, *, answered: bool) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "device_id": "bell-1",
        "village_code": VILLAGE,
        "display_name": "张*三",
        "pressed_at": "2026-12-06T01:00:00Z",
        "received_at": "2026-12-06T01:00:01Z",
        "answer_by": "2026-12-06T01:10:01Z",
        "acknowledged_at": "2026-12-06T01:03:00Z" if answered else None,
        "escalated_at": None if answered else "2026-12-06T01:10:02Z",
        "escalation_level": 0 if answered else 1,
    }


ALERTS = {
    "items": [alert(ALERT_OPEN, answered=False), alert(ALERT_DONE, answered=True)],
    "total": 23,
    "page": 1,
    "size": 20,
}


def change(order_id: str, *, overdue: bool) -> dict[str, Any]:
    return {
        "change_id": f"c-{order_id}",
        "order_id": order_id,
        "order_version": 3,
        "recipient_id": f"r-{order_id}",
        "display_name": "王*华",
        "village_code": VILLAGE,
        "item_code": "CL-01",
        "provider_code": "P-CLEAN",
        "kind": "paused",
        "reason_code": "recipient_suspended",
        "effective_date": "2026-12-06",
        "sent_at": "2026-12-06T02:00:00Z",
        "acknowledge_by": "2026-12-06T03:00:00Z",
        "overdue": overdue,
        "escalated_at": "2026-12-06T03:00:05Z" if overdue else None,
    }


def dispatch(
    *,
    alerts: httpx.Response | None = None,
    ack: httpx.Response | None = None,
    helpers: httpx.Response | None = None,
) -> Any:
    """A fake dispatch: helpers, summary, alerts and the acknowledgement."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST":
            return ack or httpx.Response(200, json=alert(ALERT_OPEN, answered=True))
        if path.endswith("/neighbour-helpers"):
            return helpers or httpx.Response(200, json=HELPERS)
        if path.endswith("/neighbour-services/summary"):
            return httpx.Response(200, json=SUMMARY)
        if path.endswith("/doorbell-alerts"):
            return alerts or httpx.Response(200, json=ALERTS)
        return httpx.Response(404, json={"code": "not_found", "detail": "未找到"})

    return handle


def seen(fakes: Any, suffix: str) -> list[httpx.Request]:
    return [r for r in fakes.seen if r.url.path.endswith(suffix)]


async def csrf_of(console: httpx.AsyncClient) -> str:
    page = await console.get("/neighbours")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def test_the_screen_lists_the_townships_helpers_and_the_alerts(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    fakes.on["dispatch"] = dispatch()
    shown = await console.get("/neighbours", params={"year": 2025, "state": "open", "page": 2})
    assert shown.status_code == 200, shown.text
    text = shown.text
    helpers_part = text.split('id="helper-list"')[1].split('id="helper-summary"')[0]
    assert "李四邻" in helpers_part and "王五邻" in helpers_part and "nb-li" in helpers_part
    assert "示例一村" in helpers_part and "示例二村" in helpers_part  # each with its village
    assert "短信" in helpers_part and "在册" in helpers_part
    assert "共 21 人，第 1 / 2 页" in helpers_part
    # The pager of helpers keeps the filters and the alerts' page, and pages by its own name.
    assert "/neighbours?year=2025&amp;state=open&amp;page=2&amp;helpers_page=2" in text
    assert '<option value="" selected>' not in text and '<option value="">全部</option>' in text
    # All villages: no year summary is asked for (dispatch sums one village at a time).
    assert not seen(fakes, "/summary") and "请在上方选择一个村(社区)查看" in text
    assert "张*三" in text and "共 23 条，第 1 / 2 页" in text and "已通知乡镇值班人员" in text
    # Only the open alert has the answer button, with the CSRF token in its form.
    assert f'action="/neighbours/alerts/{ALERT_OPEN}/acknowledge"' in text
    assert f"/neighbours/alerts/{ALERT_DONE}/acknowledge" not in text
    assert 'name="csrf_token"' in text and '<label for="filter-state">' in text
    [listed] = seen(fakes, "/neighbour-helpers")
    assert listed.url.path == f"/townships/{TOWNSHIP}/neighbour-helpers"
    assert dict(listed.url.params) == {"page": "1", "size": "20"}
    alerts = seen(fakes, "/doorbell-alerts")[0]
    assert alerts.url.path == f"/townships/{TOWNSHIP}/doorbell-alerts"
    assert dict(alerts.url.params) == {"state": "open", "page": "2", "size": "20"}


async def test_a_chosen_village_filters_the_helpers_and_shows_its_year(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    fakes.on["dispatch"] = dispatch()
    params = {"village_code": OTHER_VILLAGE, "year": 2025, "helpers_page": 3, "state": "lost"}
    shown = await console.get("/neighbours", params=params)
    [listed] = seen(fakes, "/neighbour-helpers")
    assert listed.url.path == f"/townships/{TOWNSHIP}/neighbour-helpers"
    assert dict(listed.url.params) == {"page": "3", "size": "20", "village_code": OTHER_VILLAGE}
    [summary] = seen(fakes, "/summary")
    assert summary.url.path == f"/villages/{OTHER_VILLAGE}/neighbour-services/summary"
    assert summary.url.params["year"] == "2025"
    assert "<td>17</td><td>9</td>" in shown.text and "2025 年度" in shown.text
    assert f'<option value="{OTHER_VILLAGE}" selected>' in shown.text
    # The alerts' pager keeps the helpers' page; a bad state is not sent.
    assert "state" not in seen(fakes, "/doorbell-alerts")[0].url.params
    assert "helpers_page=3&amp;page=2" in shown.text


async def test_the_helpers_pages_by_their_own_parameter_keeping_the_alerts_page(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    fakes.on["dispatch"] = dispatch()
    await console.get("/neighbours", params={"state": "open", "page": 2, "helpers_page": 3})
    assert seen(fakes, "/neighbour-helpers")[-1].url.params["page"] == "3"
    assert seen(fakes, "/doorbell-alerts")[-1].url.params["page"] == "2"


async def test_a_village_outside_the_township_shows_by_the_village_filter(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    message = "该村(社区)不属于本乡镇(街道)"
    problem = {
        "status": 422,
        "code": "village_not_in_township",
        "title": message,
        "errors": [
            {"field": "query.village_code", "code": "village_not_in_township", "message": message}
        ],
    }
    fakes.on["dispatch"] = dispatch(helpers=httpx.Response(422, json=problem))
    shown = await console.get("/neighbours", params={"village_code": "341702101201"})
    assert shown.status_code == 200
    form = shown.text.split('id="filter-village"')[1].split("</form>")[0]
    assert 'aria-describedby="village_code-error"' in shown.text
    assert f'<p class="field-error" id="village_code-error">{message}</p>' in form
    assert "village_not_in_township" in shown.text.split('id="helper-list"')[1]
    assert "张*三" in shown.text  # the alerts still show


async def test_a_down_dispatch_shows_in_each_part_and_the_page_still_works(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    shown = await console.get("/neighbours")  # dispatch not set: down
    assert shown.status_code == 200
    assert shown.text.count("服务派单服务暂不可用") == 2  # helpers, alerts (all villages)
    chosen = await console.get("/neighbours", params={"village_code": VILLAGE})
    assert chosen.text.count("服务派单服务暂不可用") == 3  # and the village's year
    assert '<select id="filter-village"' in shown.text


async def test_only_the_alerts_part_shows_dispatch_refusing_the_alerts(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    problem = {"status": 403, "code": "outside_jurisdiction", "detail": "该事项不在您的管辖范围内"}
    fakes.on["dispatch"] = dispatch(alerts=httpx.Response(403, json=problem))
    shown = await console.get("/neighbours")
    assert "该事项不在您的管辖范围内" in shown.text and "outside_jurisdiction" in shown.text
    assert "李四邻" in shown.text  # the helpers still show


async def test_answering_an_alert_posts_to_dispatch_and_returns_to_the_list(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    fakes.on["dispatch"] = dispatch()
    form = {"csrf_token": await csrf_of(console)}
    done = await console.post(f"/neighbours/alerts/{ALERT_OPEN}/acknowledge", data=form)
    assert (done.status_code, done.headers["location"]) == (
        303,
        f"/neighbours?acknowledged={ALERT_OPEN}",
    )
    [sent] = [r for r in fakes.seen if r.method == "POST"]
    assert sent.url.path == f"/doorbell/alerts/{ALERT_OPEN}/acknowledge"
    assert sent.headers["authorization"].startswith("Bearer ")
    back = await console.get(done.headers["location"])
    assert "已响应该求助" in back.text


async def test_a_refused_answer_shows_by_its_alert_in_chinese(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    problem = {"status": 403, "code": "not_alerted", "detail": "您不在此次求助的通知名单中"}
    fakes.on["dispatch"] = dispatch(ack=httpx.Response(403, json=problem))
    form = {"csrf_token": await csrf_of(console)}
    refused = await console.post(f"/neighbours/alerts/{ALERT_OPEN}/acknowledge", data=form)
    assert refused.status_code == 403
    row = refused.text.split(f'id="ack-{ALERT_OPEN}"')[0].rsplit("<tr", 1)[1]
    assert "您不在此次求助的通知名单中" in row and "not_alerted" in row


async def test_answering_without_the_csrf_token_is_refused(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    fakes.on["dispatch"] = dispatch()
    refused = await console.post(f"/neighbours/alerts/{ALERT_OPEN}/acknowledge", data={})
    assert refused.status_code == 403 and "安全校验码" in refused.text
    assert not [r for r in fakes.seen if r.method == "POST"]


async def test_a_county_officer_sees_no_answer_button(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, role="county_officer", division="341702")
    fakes.on["dispatch"] = dispatch()
    shown = await console.get("/neighbours")
    assert "按乡镇(街道)查看" in shown.text and "/acknowledge" not in shown.text
    assert not seen(fakes, "/doorbell-alerts") and not seen(fakes, "/neighbour-helpers")


async def test_the_orders_screen_lists_unacknowledged_changes_overdue_first_to_see(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    answer = {
        "items": [change("o-late", overdue=True), change("o-fresh", overdue=False)],
        "total": 2,
        "page": 1,
        "size": 20,
    }
    fakes.on["dispatch"] = lambda request: httpx.Response(200, json=answer)
    shown = await console.get("/orders", params={"view": "unacknowledged", "page": 1})
    assert shown.status_code == 200, shown.text
    [sent] = fakes.seen
    assert sent.url.path == f"/townships/{TOWNSHIP}/unacknowledged-changes"
    assert dict(sent.url.params) == {"page": "1", "size": "20"}
    text = shown.text
    assert "本页有 1 条变更已超过确认期限" in text
    assert text.count("已超时未确认") == 1 and "待确认" in text
    assert '<tr class="overdue">' in text and "暂停服务" in text and "服务对象暂停救助" in text
    assert 'href="/recipients/r-o-late"' in text and "P-CLEAN" in text
    assert "暂未提供按乡镇的查询接口" not in text  # the old notice is gone
    assert '<option value="unacknowledged" selected>' in text


async def test_the_unacknowledged_view_shows_a_down_dispatch(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    await signer(console, issuer_app, division=TOWNSHIP)
    shown = await console.get("/orders", params={"view": "unacknowledged"})
    assert "服务派单服务暂不可用" in shown.text
