"""After approval: providers, accepted orders, service records, and a status change."""

from __future__ import annotations

import contextlib
import functools
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from civic import clock
from civic.bus.access import KafkaAccess
from contracts import calendar, topics
from contracts.dispatch.provider_topic import OrderCancelled
from contracts.envelope import Event
from devstack.journeys.api import Api
from devstack.journeys.application import COUNTY, TOWNSHIP, VILLAGE, Case, approved
from devstack.journeys.db import wait_until
from devstack.journeys.kafka import TopicReader
from devstack.stack import Stack


async def register_provider(
    api: Api, code: str, items: list[str], village: str, capacity: int = 500
) -> dict[str, Any]:
    """The county registers a provider serving ``village`` with ``items``."""
    token = api.token(roles=["county_officer"], division=COUNTY, user_id="bench-county")
    body = {
        "code": code,
        "name_zh": f"服务机构{code}",
        "provider_type": "social_work_org",
        "areas": [village],
        "item_codes": items,
        "modes": ["government_purchase"],
        "capacity": capacity,
        "qualification": {
            "name_zh": "民办非企业单位登记证书",
            "number": f"Q-{code}",
            "valid_from": "2024-01-01",
            "valid_until": (clock.today() + timedelta(days=365)).isoformat(),
        },
        "contacts": [{"name_zh": "王主任", "phone": "13800000000"}],
    }

    async def attempt() -> dict[str, Any] | None:
        got = await api.call("dispatch", "POST", "/providers", token=token, json=body)
        if got.status_code == 201:
            registered: dict[str, Any] = got.json()
            return registered
        # Only answers that a moment can change are tried again: the items are not in
        # dispatch's copy of settlement's catalogue yet, or Kafka is briefly away.
        waiting = got.status_code == 503 or got.json().get("code") == "item_not_in_catalogue"
        assert waiting, f"provider {code} refused: {got.status_code} {got.text}"
        return None

    found: dict[str, Any] = await wait_until(attempt, timeout=60)
    return found


_NUMERALS = str.maketrans("0123456789", "〇一二三四五六七八九")


def trained_worker(worker_ref: str, *, today: date) -> dict[str, Any]:
    """The register entry of a worker every service record accepts: trained for all four
    categories, competence evaluated a month before ``today`` (dispatch's worker rule)."""
    return {
        # Digits written as Chinese numerals: a ref of six digits would read as an ID number.
        "name_zh": f"服务人员{worker_ref.translate(_NUMERALS)}"[:40],
        "qualification": {
            "name_zh": "养老护理员职业技能等级证书",
            "number": f"YL-{worker_ref}"[:64],
            "valid_until": (today + timedelta(days=365)).isoformat(),
        },
        "trainings": [
            {
                "name_zh": "养老护理员岗前培训",
                "categories": ["life_care", "health_care", "cleaning", "capability_building"],
                "completed_on": "2024-01-01",
            }
        ],
        "evaluated_on": (today - timedelta(days=30)).isoformat(),
        "active": True,
    }


async def register_worker(api: Api, provider: str, worker_ref: str = "w1") -> None:
    """The provider puts a trained worker in its register (a repeat changes nothing)."""
    token = api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")
    body = trained_worker(worker_ref, today=clock.today())
    got = await api.call(
        "dispatch", "PUT", f"/provider/workers/{worker_ref}", token=token, json=body
    )
    assert got.status_code in (200, 201), got.text


async def orders_of(
    api: Api, provider: str, recipient_id: str, want: int = 1
) -> list[dict[str, Any]]:
    """Waits until the provider sees ``want`` orders for the recipient."""
    token = api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")

    async def check() -> list[dict[str, Any]] | None:
        got = await api.call("dispatch", "GET", "/provider/orders?size=100", token=token)
        mine = [o for o in got.json()["items"] if o["recipient_id"] == recipient_id]
        return mine if len(mine) >= want else None

    found: list[dict[str, Any]] = await wait_until(check, timeout=30)
    return found


async def accept(api: Api, provider: str, order: dict[str, Any]) -> None:
    """The provider accepts an order over HTTP."""
    token = api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")
    got = await api.call(
        "dispatch",
        "POST",
        f"/provider/orders/{order['order_id']}/accept",
        token=token,
        json={"order_version": order["version"]},
    )
    assert got.status_code == 200, got.text


# The window of recent time visits are laid out in, one minute per ``minutes_ago``.
_VISIT_WINDOW_MINUTES = 120


async def report_service(
    api: Api,
    provider: str,
    order: dict[str, Any],
    *,
    minutes_ago: int,
    worker: str = "w1",
    register: bool = True,
) -> Any:
    """The provider reports a visit that ended about ``minutes_ago`` minutes ago, by
    ``worker``, put in its register first unless ``register`` is false (already there).

    Visits are laid out on the last two hours, one minute each, so visits with different
    ``minutes_ago`` never overlap. A visit cannot begin before the order's first day: when
    that day began less than two hours ago, the two hours are squeezed into the time since
    midnight, keeping the visits in order and apart. The service date is the day it began."""
    assert 0 <= minutes_ago < _VISIT_WINDOW_MINUTES, minutes_ago
    if register:
        await register_worker(api, provider, worker)
    token = api.token(roles=["provider"], provider_code=provider, user_id=f"u-{provider}")
    now = clock.now()
    first_day = calendar.start_of_day(date.fromisoformat(order["start_date"]))
    window = min(max(now - first_day, timedelta(0)), timedelta(minutes=_VISIT_WINDOW_MINUTES))

    def at(minutes_into_window: int) -> datetime:
        return now - window + window * minutes_into_window / _VISIT_WINDOW_MINUTES

    start = at(_VISIT_WINDOW_MINUTES - minutes_ago - 1)
    end = at(_VISIT_WINDOW_MINUTES - minutes_ago)
    body = {
        "record_id": str(uuid.uuid4()),
        "order_id": order["order_id"],
        "item_code": order["item_code"],
        "quantity": 1,
        "service_date": calendar.day_of(start).isoformat(),
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "worker_ref": worker,
        "recipient_confirmed": True,
        "confirmation_ref": "sheet-1",
        "location": "home",
    }
    return await api.call("dispatch", "POST", "/provider/records", token=token, json=body)


async def change_status(case: Case, recipient_id: str, body: dict[str, Any]) -> Any:
    """The township officer changes the recipient's status (carrying the case's trace)."""
    token = case.token("township_officer", case.township, "e2e-officer")
    return await case.api.call(
        "review",
        "PATCH",
        f"/recipients/{recipient_id}/status",
        token=token,
        json=body,
        headers=case.headers(),
    )


async def stop_heard_by_providers(
    stack: Stack, recipient_id: str, orders: list[tuple[str, dict[str, Any]]], *, on: date
) -> tuple[Case, dict[str, OrderCancelled]]:
    """The officer stops aid from ``on`` (a trace of its own); each provider's notice, per order.

    The readers subscribe before the stop, so no notice can slip past them.
    """
    async with contextlib.AsyncExitStack() as readers:
        by_provider = {
            provider: await readers.enter_async_context(
                TopicReader(stack.kafka_access(), topics.provider_orders(provider))
            )
            for provider, _ in orders
        }
        stop = Case(stack)
        stopped = await change_status(
            stop,
            recipient_id,
            {
                "status": "stopped",
                "effective_date": on.isoformat(),
                "reason_code": "assistance_stopped",
                "reason_zh": "家庭收入超过低保标准",
            },
        )
        assert stopped.status_code == 200, stopped.text
        notices: dict[str, OrderCancelled] = {}
        for provider, order in orders:
            notice = await by_provider[provider].wait_for(
                functools.partial(_cancels, order_id=order["order_id"])
            )
            assert isinstance(notice, OrderCancelled)
            notices[order["order_id"]] = notice
    return stop, notices


def _cancels(event: Event, *, order_id: str) -> bool:
    return isinstance(event, OrderCancelled) and str(event.order_id) == order_id


async def recipient_orders(
    api: Api, recipient_id: str, want: int, township: str = TOWNSHIP
) -> list[dict[str, Any]]:
    """Waits until the township sees ``want`` placed orders for the recipient, meals first."""
    token = api.token(roles=["township_officer"], division=township, user_id="e2e-officer")

    async def check() -> list[dict[str, Any]] | None:
        got = await api.call(
            "dispatch", "GET", f"/townships/{township}/orders?size=100", token=token
        )
        mine = [
            o
            for o in got.json()["items"]
            if o["recipient_id"] == recipient_id and o["provider_code"]
        ]
        return (
            sorted(mine, key=lambda o: o["item_code"], reverse=True) if len(mine) >= want else None
        )

    found: list[dict[str, Any]] = await wait_until(check, timeout=30)
    return found


async def approved_with_two_providers(
    stack: Stack, tag: str, *, effective: date | None = None
) -> tuple[Case, str, list[tuple[str, dict[str, Any]]]]:
    """A recipient whose meals (LC-03) and cleaning (CL-01) orders providers accepted.

    Two new providers are registered, but the referral rule may place an order with an
    earlier provider of the same village, so the orders say who actually got them.
    """
    api = Case(stack).api
    await register_provider(api, f"meals-{tag}", ["LC-03"], VILLAGE)
    await register_provider(api, f"clean-{tag}", ["CL-01"], VILLAGE)
    case = Case(stack)
    recipient_id = await approved(case, effective)
    orders = []
    for order in await recipient_orders(api, recipient_id, want=2):
        provider = order["provider_code"]
        await accept(api, provider, order)
        provider_id = await _provider_id(api, provider)
        orders.append((provider, order | {"provider_id": provider_id}))
    return case, recipient_id, orders


async def _provider_id(api: Api, code: str) -> str:
    token = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    got = await api.call("dispatch", "GET", f"/providers/{code}", token=token)
    return str(got.json()["provider_id"])


async def bus_credentials(api: Api, code: str) -> dict[str, Any]:
    """The county officer issues the provider's Kafka login (shown once)."""
    token = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    got = await api.call("dispatch", "POST", f"/providers/{code}/bus-credentials", token=token)
    assert got.status_code == 201, got.text
    issued: dict[str, Any] = got.json()
    return issued


def access_from(credentials: dict[str, Any], folder: Path) -> KafkaAccess:
    """What a provider's software builds from the credentials: the CA in a file, the login."""
    ca = folder / f"{credentials['username']}-ca.crt"
    ca.write_text(credentials["ca_certificate_pem"])
    return KafkaAccess(
        credentials["bootstrap_servers"], credentials["username"], credentials["password"], ca
    )


async def suspend_provider(api: Api, code: str) -> None:
    """The county suspends a provider (it leaves the bus at once)."""
    token = api.token(roles=["county_officer"], division=COUNTY, user_id="e2e-county")
    body = {"reason_code": "evaluation_failed", "reason_zh": "考核不合格"}
    got = await api.call("dispatch", "POST", f"/providers/{code}/suspend", token=token, json=body)
    assert got.status_code == 200, got.text
