"""Steps the complaint scenarios share: a meal served (or not) and recorded, a complaint filed
about it. Plain functions over the ``api``, ``bus`` and ``make`` fixtures."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from contracts.dispatch import OrderAssigned

from .steps import accept

WORDS = "老人反映昨天午餐没有送到，电话13912345678"
PHONE = "13912345678"


async def served_meal(api: Any, bus: Any, make: SimpleNamespace, village: str) -> SimpleNamespace:
    """A meal provider of its own in ``village``, a recipient approved for meals (LC-03), the
    order accepted and one meal recorded as delivered today."""
    code = f"meal-{make.suffix()}"
    await api.register(code, [village], items=("LC-03",))
    approved = make.approval(village, make.item("LC-03"))
    await bus.publish(approved)
    reader = await bus.provider(code)
    order = await reader.wait_for(OrderAssigned, recipient_id=approved.recipient_id)
    accepted = await accept(api, order)
    assert accepted.status_code == 200, accepted.text
    body = make.record(order.order_id, 0, item_code="LC-03")
    reported = await api.client.post("/provider/records", json=body, headers=api.provider(code))
    assert reported.status_code == 200, reported.text
    return SimpleNamespace(
        code=code,
        reader=reader,
        order=order,
        person_id=approved.person_id,
        record_id=uuid.UUID(body["record_id"]),
    )


def complaint_body(meal: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    """A hotline complaint that the recorded meal never came."""
    body = {
        "person_id": str(meal.person_id),
        "category": "service_not_delivered",
        "description_zh": WORDS,
        "order_id": str(meal.order.order_id),
        "record_id": str(meal.record_id),
        "complainant_name": "王大妈",
        "complainant_phone": PHONE,
    }
    return body | changes


async def file(api: Any, meal: SimpleNamespace, headers: dict[str, str], **changes: Any) -> Any:
    """Files the complaint; returns the answer's JSON (asserting 201)."""
    answer = await api.client.post(
        "/complaints", json=complaint_body(meal, **changes), headers=headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _about_served(w: SimpleNamespace, category: str) -> dict[str, Any]:
    """A complaint about the read-audit world's served order (test_dispatch_read_audit)."""
    return {
        "person_id": str(w.orders.people["served"]),
        "order_id": str(w.orders.order["served"].order_id),
        "category": category,
        "description_zh": "服务人员态度不好",
    }


async def complaints_to_read(api: Any, w: SimpleNamespace, township: str) -> SimpleNamespace:
    """Two complaints about the served order: one to read and note, one to resolve."""
    ids = []
    for _ in range(2):
        body = _about_served(w, "attitude")
        answer = await api.client.post("/complaints", json=body, headers=api.township(township))
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["complaint_id"])
    return SimpleNamespace(read={"complaint_id": ids[0]}, resolve={"complaint_id": ids[1]})


def complaint_calls(
    as_: Callable[..., Any], api: Any, w: SimpleNamespace, filed: SimpleNamespace, township: str
) -> list[tuple[str, Any]]:
    """One call of each complaint route that reads personal data (``as_`` makes a user)."""
    officer, county = (
        as_(api, "township_officer", township),
        as_(api, "county_officer", township[:6]),
    )
    provider = as_(api, "provider", provider_code=w.codes.main)
    person = w.orders.people["served"]
    resolution = {
        "outcome": "not_substantiated",
        "complainant_told_on": datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(),
    }
    return [
        officer.call("POST /complaints", person, json=_about_served(w, "quality")),
        officer.call("GET /complaints", person, params={"size": 100}),
        officer.call("GET /complaints/{complaint_id}", person, filed.read),
        officer.call(
            "POST /complaints/{complaint_id}/notes", person, filed.read, json={"text_zh": "已回访"}
        ),
        county.call(
            "POST /complaints/{complaint_id}/resolution", person, filed.resolve, json=resolution
        ),
        provider.call("POST /provider/complaints", person, json=_about_served(w, "other")),
    ]
