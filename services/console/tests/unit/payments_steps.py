"""What the payment screens' tests share: settlement's answers for 支付异常 and 冲销支付."""

from __future__ import annotations

import httpx

BATCH = "7b0c8f1e-0000-4000-8000-000000000001"
STATEMENT = "5d7a2c3e-0000-4000-8000-000000000002"
E1, E2 = "e1e1e1e1-0000-4000-8000-000000000011", "e2e2e2e2-0000-4000-8000-000000000012"
EXCEPTION = {
    "exception_id": E1,
    "batch_id": BATCH,
    "township_code": "341702100",
    "row_no": 2,
    "line_ref": "B3-1",
    "kind": "amount_mismatch",
    "detail_zh": "回盘金额120000分与批次金额123456分不符",
    "row_values": {"line_ref": "B3-1", "result": "成功", "amount_fen": "120000"},
    "flagged_by": "checker-1",
    "flagged_at": "2026-12-03T01:00:00+00:00",
}
UNKNOWN = {
    **EXCEPTION,
    "exception_id": E2,
    "row_no": 5,
    "line_ref": "B9-9",
    "kind": "unknown_line",
    "detail_zh": "业务参考号“B9-9”不属于本批次",
    "row_values": {"line_ref": "B9-9", "result": "失败", "reason": "账户已销户"},
}
LINE = {
    "line_ref": "B3-1",
    "statement_id": STATEMENT,
    "provider_code": "P-GC-01",
    "amount_fen": 123456,
    "status": "paid",
}
BATCH_READ = {"batch_id": BATCH, "batch_no": 3, "lines": [LINE]}
RECENT = {
    "items": [
        {
            "batch_id": BATCH,
            "batch_no": 3,
            "status_zh": "已对账",
            "line_count": 1,
            "total_fen": 123456,
            "created_by": "officer-1",
            "approved_by": "checker-1",
        }
    ],
    "total": 1,
    "page": 1,
    "size": 5,
}
PAID = {
    "statement_id": STATEMENT,
    "period": "2026-11",
    "township_code": "341702100",
    "provider_code": "P-GC-01",
    "status": "paid",
    "status_zh": "已支付",
    "total_fen": 123456,
    "paid_on": "2026-12-02",
    "payment_reference": "BK0001",
}

PENDING = {
    "reversal_id": "9a9a9a9a-0000-4000-8000-000000000003",
    "reason_zh": "银行重复入账",
    "requested_by": "officer-7",
    "requested_at": "2026-12-04T02:00:00+00:00",
    "amount_fen": 123456,
}
WAITING = {
    "items": [
        {
            **PENDING,
            "statement_id": STATEMENT,
            "township_code": "341702100",
            "payment_reference": "BK0001",
            "status": "pending",
            "statement_status": "paid",
        }
    ],
    "total": 1,
    "page": 1,
    "size": 20,
}


def settlement(request: httpx.Request) -> httpx.Response:
    """settlement's answers for the pages here (posts are set per test)."""
    path = request.url.path
    if path == "/payment-exceptions":
        return httpx.Response(
            200, json={"items": [EXCEPTION, UNKNOWN], "total": 43, "page": 2, "size": 20}
        )
    if path == "/payment-reversals":
        return httpx.Response(200, json=WAITING)
    if path == "/payment-batches":
        return httpx.Response(200, json=RECENT)
    if path == f"/payment-batches/{BATCH}":
        return httpx.Response(200, json=BATCH_READ)
    if path == f"/statements/{STATEMENT}":
        return httpx.Response(200, json=PAID)
    return httpx.Response(404, json={"detail": "未找到", "code": "not_found"})


def pending(request: httpx.Request) -> httpx.Response:
    """As ``settlement``, the statement with a reversal waiting for approval."""
    if request.url.path == f"/statements/{STATEMENT}":
        return httpx.Response(200, json={**PAID, "pending_reversal": PENDING})
    return settlement(request)


async def csrf_of(console: httpx.AsyncClient) -> str:
    page = await console.get(f"/statements/{STATEMENT}/payment-reversal")
    return page.text.split('name="csrf_token" value="')[1].split('"')[0]
