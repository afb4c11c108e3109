"""Steps of issue 20's plan agreement that the read-audit scenario shares: the served
recipient's proposed plan, and a record under it flagged while the county flagged services
under unagreed plans. Plain functions over the ``api`` and ``make`` fixtures."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

OFF = {"flag_unagreed": False, "grace_days": 0}


async def plans_to_read(
    api: Any, make: SimpleNamespace, w: SimpleNamespace, township: str
) -> SimpleNamespace:
    """The served recipient's plan (proposed) and one flagged record of theirs."""
    listed = await api.client.get("/plans", params={"size": 100}, headers=api.township(township))
    person = str(w.orders.people["served"])
    plan = next(p for p in listed.json()["items"] if p["person_id"] == person)
    rules = f"/plan-rules/{township[:6]}"
    flagging = {"flag_unagreed": True, "grace_days": 0}
    assert (await api.client.put(rules, json=flagging, headers=api.county())).status_code == 200
    try:
        body = make.record(w.orders.order["served"].order_id, 4)
        sent = await api.client.post(
            "/provider/records", json=body, headers=api.provider(w.codes.main)
        )
        assert sent.json()["accepted"] is True, sent.text
    finally:
        await api.client.put(rules, json=OFF, headers=api.county())
    return SimpleNamespace(plan_id=plan["plan_id"], version=plan["version"])


def plan_calls(
    as_: Callable[..., Any], api: Any, w: SimpleNamespace, plans: SimpleNamespace, township: str
) -> list[tuple[str, Any]]:
    """One call of each plan-agreement route that reads personal data (``as_`` makes a user)."""
    officer, person = as_(api, "township_officer", township), w.orders.people["served"]
    ids = {"plan_id": plans.plan_id}
    agree = {"version": plans.version, "agree": True}
    flagged = {"flag": "plan_unagreed", "size": 100}
    return [
        officer.call("GET /plans", person, params={"size": 100}),
        officer.call("GET /plans/{plan_id}", person, ids),
        officer.call("POST /plans/{plan_id}/decision", person, ids, json=agree),
        officer.call("GET /records", person, params=flagged),
    ]
