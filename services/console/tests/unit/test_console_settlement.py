"""月度结算 (county): a held statement shows the budget it waits on before the county decides."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.unit

HELD = {
    "statement_id": "00000000-0000-0000-0000-0000000000c1",
    "county_code": "341702",
    "township_code": "341702100",
    "provider_code": "kangle",
    "period": "2026-11",
    "status": "held",
    "status_zh": "超预算待县级审批",
    "version": 2,
    "total_fen": 200_000,
    "adjustment_fen": 0,
    "line_count": 3,
    "held": {
        "division_code": "341702100",
        "funding_source": "tekun_care",
        "year": 2026,
        "budget_fen": 500_000,
        "committed_fen": 400_000,
        "statement_fen": 200_000,
        "over_by_fen": 100_000,
        "requested_by": "zhen-officer",
        "requested_at": "2026-12-02T01:30:00Z",
    },
}


def settlement(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/budget-decision"):
        body = json.loads(request.content)
        if body["approve"] is False and not body["note_zh"]:
            problem = {"detail": "退回时须填写审批意见", "code": "note_required"}
            return httpx.Response(422, json=problem)
        return httpx.Response(200, json={**HELD, "status": "draft", "held": None})
    held = request.url.params.get("status") == "held"
    items = [HELD] if held else []
    return httpx.Response(200, json={"items": items, "total": len(items), "page": 1, "size": 20})


async def csrf_of(console: httpx.AsyncClient) -> str:
    page = await console.get("/settlement")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]


async def test_the_county_sees_the_figures_of_a_held_statement_and_decides(
    console: httpx.AsyncClient, issuer_app: Any, signer: Any, fakes: Any
) -> None:
    fakes.on["settlement"] = settlement
    await signer(console, issuer_app, role="county_officer", division="341702")
    page = await console.get("/settlement")
    figures = page.text.split(f'id="held-{HELD["statement_id"]}">')[1].split("</p>")[0]
    assert "特困人员照料护理经费" in figures and "预算 5,000.00 元" in figures
    assert "已确认 4,000.00 元" in figures and "<strong>超出 1,000.00 元</strong>" in figures
    assert "zhen-officer" in figures and "2026-12-02 09:30" in figures  # Chizhou time

    token = await csrf_of(console)
    url = f"/settlement/held/{HELD['statement_id']}/decision"
    refused = await console.post(url, data={"csrf_token": token, "approve": "no"})
    assert refused.status_code == 422 and "退回时须填写审批意见" in refused.text
    back = await console.post(
        url, data={"csrf_token": token, "approve": "no", "note_zh": " 请核减 "}
    )
    assert back.status_code == 303 and back.headers["location"].startswith("/settlement?decided=")
    sent = [json.loads(r.content) for r in fakes.seen if r.url.path.endswith("/budget-decision")]
    assert sent == [{"approve": False, "note_zh": None}, {"approve": False, "note_zh": "请核减"}]
