"""Issue 16: every dispatch route that answers with a person's data leaves a line saying who
read whose data: the township's orders and queue, the provider registry, the provider's own
portal, the love doorbell and neighbour aid (``devstack.read_audit`` fails for a route that
reads personal data and has no call here)."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from contracts import topics
from contracts.dispatch import OrderAssigned, OrderCancelled, ServiceOrderEscalated
from devstack.read_audit import AuditedCall, check_reads

from .complaint_steps import complaint_calls, complaints_to_read
from .plan_steps import plan_calls, plans_to_read
from .steps import accept

pytestmark = pytest.mark.integration

VILLAGE = "341702009202"  # 杏花村街道示例二村: no other test's providers serve it
TOWNSHIP = VILLAGE[:9]
ELSEWHERE = "341702010202"  # where providers that must take none of these orders serve
COUNTY = VILLAGE[:6]
Call = tuple[str, AuditedCall]


@dataclass(frozen=True)
class User:
    """A user never seen before (so the lines found by their id are their calls')."""

    api: Any
    user_id: str
    headers: dict[str, str]

    def call(self, key: str, person: Any, path: dict[str, Any] | None = None, **sent: Any) -> Call:
        """The call of route ``key`` (its path filled from ``path``), about ``person``."""
        method, template = key.split()
        url = template.format(**(path or {}))
        request = functools.partial(self.api.client.request, method, url, headers=self.headers)
        return key, AuditedCall(functools.partial(request, **sent), self.user_id, person)


def _as(api: Any, role: str, division: str | None = None, **claims: Any) -> User:
    user_id = f"reader-{uuid.uuid4().hex[:8]}"
    return User(api, user_id, api.as_(role, division, user_id=user_id, **claims))


async def _providers(api: Any, make: SimpleNamespace) -> SimpleNamespace:
    """The village's one provider, and elsewhere one to hand an order to, one to suspend and
    one suspended."""
    tail = make.suffix()
    codes = SimpleNamespace(
        **{role: f"{role}-{tail}" for role in ("main", "target", "spare", "off")}
    )
    await api.register(codes.main, [VILLAGE])
    await api.register(codes.target, [ELSEWHERE], items=("HC-02",))
    for code in (codes.spare, codes.off):
        await api.register(code, [ELSEWHERE])
    url, why = f"/providers/{codes.off}/suspend", {"reason_code": "evaluation_failed"}
    suspended = await api.client.post(url, json=why, headers=api.county())
    assert suspended.status_code == 200, suspended.text
    return codes


async def _orders(api: Any, bus: Any, make: SimpleNamespace, code: str) -> SimpleNamespace:
    """Four recipients' orders at the village's provider: one served, one to accept, one to
    decline, and one whose aid stopped (its provider is told, and must acknowledge)."""
    reader = await bus.provider(code)
    approved, assigned = {}, {}
    for role in ("served", "to_accept", "to_decline", "stopped"):
        approved[role] = make.approval(VILLAGE)
        await bus.publish(approved[role])
        recipient = approved[role].recipient_id
        assigned[role] = await reader.wait_for(OrderAssigned, recipient_id=recipient)
    assert (await accept(api, assigned["served"])).status_code == 200
    await bus.publish(make.status_change(approved["stopped"], "stopped", 2))
    stop = await reader.wait_for(OrderCancelled, order_id=assigned["stopped"].order_id)
    people = {role: found.person_id for role, found in approved.items()}
    return SimpleNamespace(people=people, order=assigned, stop=stop)


async def _queued(bus: Any, make: SimpleNamespace) -> SimpleNamespace:
    """A recipient approved for two items nobody in the village offers: both wait in the queue."""
    items = [make.item(code, service_category="health_care") for code in ("HC-02", "HC-03")]
    approved = make.approval(VILLAGE, *items)
    await bus.publish(approved)
    orders = await bus.topic(topics.DISPATCH_ORDERS)
    waiting = {
        code: await orders.wait_for(
            ServiceOrderEscalated, recipient_id=approved.recipient_id, item_code=code
        )
        for code in ("HC-02", "HC-03")
    }
    return SimpleNamespace(person=approved.person_id, to_hand=waiting["HC-02"].order_id)


async def _served_details(api: Any, make: SimpleNamespace, code: str, served: Any) -> str:
    """The served recipient's contact details, the provider's plan for them and a record
    (its id, for the spot check's read of its worker)."""
    contact = {"address": "杏花村街道示例二村5组", "phone": "13912340000"}
    url = f"/recipients/{served.recipient_id}/contact"
    put = await api.client.put(url, json=contact, headers=api.village(VILLAGE))
    assert put.status_code == 204, put.text
    item = {"order_id": str(served.order_id), "item_code": "LC-01"}
    plan = {
        "plan_id": str(uuid.uuid4()),
        "version": 1,
        "items": [item | {"frequency": {"times": 2, "per": "week"}}],
        "starts_on": served.start_date.isoformat(),
        "summary_zh": "每周两次上门照料",
    }
    stored = await api.client.post("/provider/plans", json=plan, headers=api.provider(code))
    assert stored.json() == {"stored": True}, stored.text
    record = make.record(served.order_id, 2)
    sent = await api.client.post("/provider/records", json=record, headers=api.provider(code))
    assert sent.status_code == 200, sent.text
    return str(record["record_id"])


def _helper(make: SimpleNamespace) -> dict[str, Any]:
    return {
        "name_zh": "邻居王",
        "phone": "13700000009",
        "user_id": f"nb-{make.suffix()}",
        "trained_on": "2026-03-01",
    }


def _bell(make: SimpleNamespace, recipient_id: Any, helper_id: str) -> dict[str, Any]:
    return {
        "device_id": f"bell-{make.suffix()}",
        "recipient_id": str(recipient_id),
        "helper_ids": [helper_id],
        "coordinator_user_id": f"u-coordinator-{VILLAGE}",
    }


def _press(make: SimpleNamespace, device_id: str) -> tuple[bytes, dict[str, str]]:
    now = datetime.now(UTC).isoformat()
    return make.signed(
        {"press_id": f"p-{make.suffix()}", "device_id": device_id, "pressed_at": now}
    )


async def _household(api: Any, make: SimpleNamespace, served: Any) -> SimpleNamespace:
    """A trained neighbour, a doorbell in the served recipient's home and one press's alert."""
    staff = api.village(VILLAGE, "coordinator")
    url = f"/villages/{VILLAGE}/neighbour-helpers"
    helper = await api.client.post(url, json=_helper(make), headers=staff)
    assert helper.status_code == 201, helper.text
    helper_id = helper.json()["helper_id"]
    bell = _bell(make, served.recipient_id, helper_id)
    assert (await api.client.post("/doorbells", json=bell, headers=staff)).status_code == 201
    raw, signed = _press(make, bell["device_id"])
    alert = await api.client.post("/doorbell/presses", content=raw, headers=signed)
    assert alert.status_code == 201, alert.text
    return SimpleNamespace(
        helper_id=helper_id, device_id=bell["device_id"], alert_id=alert.json()["alert_id"]
    )


def _officer_calls(api: Any, w: SimpleNamespace) -> list[Call]:
    officer, person = _as(api, "township_officer", TOWNSHIP), w.orders.people["served"]
    ids = {"order_id": w.orders.order["served"].order_id, "township_code": TOWNSHIP}
    stopped = {"order_id": w.orders.order["stopped"].order_id}
    queued = {"order_id": w.queued.to_hand}
    handed = {"provider_code": w.codes.target, "reason_zh": "经电话沟通，机构可提供该服务"}
    return [
        officer.call("GET /orders/{order_id}", person, ids),
        officer.call("GET /orders/{order_id}/plans", person, ids),
        officer.call("GET /orders/{order_id}/records", person, ids),
        officer.call("GET /orders/{order_id}/contact-reads", person, ids),
        officer.call("GET /orders/{order_id}/changes", w.orders.people["stopped"], stopped),
        officer.call("GET /townships/{township_code}/orders", person, ids, params={"size": 100}),
        officer.call("GET /townships/{township_code}/queue", w.queued.person, ids),
        # (calls run in key order: this read comes before the provider acknowledges the stop)
        officer.call(
            "GET /townships/{township_code}/unacknowledged-changes",
            w.orders.people["stopped"],
            ids,
        ),
        officer.call("POST /orders/{order_id}/reassign", w.queued.person, queued, json=handed),
        officer.call("GET /records/{record_id}/worker", person, {"record_id": w.record_id}),
    ]


def _registry_calls(api: Any, w: SimpleNamespace, make: SimpleNamespace) -> list[Call]:
    """The registry answers with the providers' contact people: no recipient is named."""
    county = _as(api, "county_officer", COUNTY)
    target, spare, off = ({"code": code} for code in (w.codes.target, w.codes.spare, w.codes.off))
    return [
        county.call("POST /providers", None, json=_provider_body(f"n-{make.suffix()}")),
        county.call("GET /providers", None),
        county.call("GET /providers/{code}", None, target),
        county.call("PATCH /providers/{code}", None, target, json={"capacity": 5}),
        county.call(
            "POST /providers/{code}/suspend", None, spare, json={"reason_code": "voluntary"}
        ),
        county.call("POST /providers/{code}/reinstate", None, off),
    ]


def _provider_body(code: str) -> dict[str, Any]:
    qualification = {"name_zh": "民办非企业单位登记证书", "number": f"Q-{code}"}
    return {
        "code": code,
        "name_zh": f"测试服务机构{code}",
        "provider_type": "social_work_org",
        "areas": [ELSEWHERE],
        "item_codes": ["LC-01"],
        "modes": ["government_purchase"],
        "capacity": 3,
        "qualification": qualification | {"valid_from": "2024-01-01", "valid_until": "2099-12-31"},
        "contacts": [{"name_zh": "李主任", "phone": "13800000001"}],
    }


def _portal_calls(api: Any, w: SimpleNamespace, make: SimpleNamespace) -> list[Call]:
    mine = _as(api, "provider", provider_code=w.codes.main)
    people, order = w.orders.people, w.orders.order
    ids = {role: {"order_id": assigned.order_id} for role, assigned in order.items()}
    stop, served = w.orders.stop, order["served"].order_id
    took = {"order_version": order["to_accept"].version}
    ack = {"order_version": stop.version, "acknowledged_event_id": str(stop.event_id)}
    decline = {"order_version": order["to_decline"].version, "reason_code": "capacity_full"}
    batch = {"records": [make.record(served, 1)]}
    its = "/provider/orders/{order_id}"
    return [
        mine.call("GET /provider/orders", people["served"], params={"size": 100}),
        mine.call(f"GET {its}", people["served"], ids["served"]),
        mine.call(f"GET {its}/contact", people["served"], ids["served"]),
        mine.call(f"POST {its}/accept", people["to_accept"], ids["to_accept"], json=took),
        mine.call(f"POST {its}/decline", people["to_decline"], ids["to_decline"], json=decline),
        mine.call(
            f"POST {its}/change-acknowledgement", people["stopped"], ids["stopped"], json=ack
        ),
        mine.call("POST /provider/records", people["served"], json=make.record(served, 0)),
        mine.call("POST /provider/records/batch", people["served"], json=batch),
    ]


def _doorbell_calls(api: Any, w: SimpleNamespace, make: SimpleNamespace) -> list[Call]:
    staff, answering = _as(api, "village_staff", VILLAGE), _as(api, "coordinator", VILLAGE)
    officer, home = _as(api, "township_officer", TOWNSHIP), w.home
    person = w.orders.people["served"]
    ids = {"alert_id": home.alert_id, "township_code": TOWNSHIP}
    bell = _bell(make, w.orders.order["served"].recipient_id, home.helper_id)
    raw, signed = _press(make, home.device_id)
    # The device gateway holds no user token: its reads are the anonymous user's.
    gateway = User(api, "anonymous", signed)
    duty = {"members": [{"user_id": f"u-duty-{make.suffix()}", "channel": "voice_call"}]}
    return [
        staff.call("POST /doorbells", person, json=bell),
        gateway.call("POST /doorbell/presses", person, content=raw),
        answering.call("POST /doorbell/alerts/{alert_id}/acknowledge", person, ids),
        staff.call("GET /doorbell/alerts/{alert_id}", person, ids),
        officer.call("GET /townships/{township_code}/doorbell-alerts", person, ids),
        # The duty list holds officers' logins: no recipient is named.
        officer.call("PUT /townships/{township_code}/duty-list", None, ids, json=duty),
    ]


def _neighbour_calls(api: Any, w: SimpleNamespace, make: SimpleNamespace) -> list[Call]:
    """Helpers are neighbours, not recipients: only the service record names a recipient."""
    staff, ids = _as(api, "coordinator", VILLAGE), {"village_code": VILLAGE}
    officer, township = _as(api, "township_officer", TOWNSHIP), {"township_code": TOWNSHIP}
    service = {
        "record_id": str(uuid.uuid4()),
        "helper_id": w.home.helper_id,
        "recipient_id": str(w.orders.order["served"].recipient_id),
        "service_date": make.today().isoformat(),
        "count": 2,
        "content_zh": "代购、打扫",
    }
    services, person = "/villages/{village_code}/neighbour-services", w.orders.people["served"]
    return [
        staff.call(
            "POST /villages/{village_code}/neighbour-helpers", None, ids, json=_helper(make)
        ),
        staff.call("GET /villages/{village_code}/neighbour-helpers", None, ids),
        staff.call(f"POST {services}", person, ids, json=service),
        staff.call(f"GET {services}/summary", None, ids),
        officer.call("GET /townships/{township_code}/neighbour-helpers", None, township),
    ]


async def _world(api: Any, bus: Any, make: SimpleNamespace) -> SimpleNamespace:
    """Everything the calls read, made before any of them runs (they run in key order)."""
    codes = await _providers(api, make)
    orders = await _orders(api, bus, make, codes.main)
    record_id = await _served_details(api, make, codes.main, orders.order["served"])
    queued = await _queued(bus, make)
    home = await _household(api, make, orders.order["served"])
    return SimpleNamespace(
        codes=codes, orders=orders, queued=queued, home=home, record_id=record_id
    )


async def test_every_route_that_reads_personal_data_leaves_a_line(
    api: Any, bus: Any, make: SimpleNamespace
) -> None:
    w = await _world(api, bus, make)
    complaints = await complaints_to_read(api, w, TOWNSHIP)
    plans = await plans_to_read(api, make, w, TOWNSHIP)
    auditor, person = _as(api, "auditor", "341700"), w.orders.people["served"]
    calls = dict(
        [
            *_officer_calls(api, w),
            *_registry_calls(api, w, make),
            *_portal_calls(api, w, make),
            *_doorbell_calls(api, w, make),
            *_neighbour_calls(api, w, make),
            *complaint_calls(_as, api, w, complaints, TOWNSHIP),
            *plan_calls(_as, api, w, plans, TOWNSHIP),
            auditor.call("GET /audit/reads", person, params={"person_id": str(person)}),
        ]
    )
    assert await check_reads(api.client, calls, auditor=auditor.headers) == []


async def test_only_auditors_ask_who_read_what(api: Any) -> None:
    for who in (_as(api, "township_officer", TOWNSHIP), _as(api, "provider", provider_code="x")):
        asked = await api.client.get("/audit/reads", params={"user_id": "any"}, headers=who.headers)
        assert asked.status_code == 403, asked.text
    auditor = _as(api, "auditor", "341700")
    unbounded = await api.client.get("/audit/reads", headers=auditor.headers)
    assert (unbounded.status_code, unbounded.json()["code"]) == (422, "audit_query_unbounded")
