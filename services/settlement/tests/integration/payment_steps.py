"""What the payment tests share: the bank return's columns, a user of their own, uploading a
bank return."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx

Auth = Callable[..., dict[str, str]]
#: The bank return's header line, and the columns of a county's format that read it.
RETURN_HEADER = "业务参考号,处理结果,银行流水号,失败原因,交易日期\r\n"
RETURN_COLUMNS = [
    {"field": field, "header_zh": header}
    for field, header in (
        ("line_ref", "业务参考号"),
        ("result", "处理结果"),
        ("bank_serial", "银行流水号"),
        ("reason", "失败原因"),
        ("paid_on", "交易日期"),
    )
]


def user_as(auth: Auth, role: str, division: str) -> tuple[str, dict[str, str]]:
    """A user never seen before with one role: (user id, Authorization header)."""
    user_id = f"{role}-{uuid.uuid4().hex[:8]}"
    return user_id, auth(role, division, user_id=user_id)


async def upload_return(
    client: httpx.AsyncClient, batch_id: str, content: bytes, who: dict[str, str]
) -> httpx.Response:
    """POSTs the bank's return file of a batch."""
    files = {"file": ("return.csv", content, "text/csv")}
    return await client.post(f"/payment-batches/{batch_id}/bank-return", files=files, headers=who)
