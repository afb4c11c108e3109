"""The message routes every sending service mounts (civic.notify.api), in milliseconds: each
route asks the caller the service named for it, a body that cannot be right is refused with
its reason before anything is read, and the receipt route asks for no user at all."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from civic.db import make_metadata
from civic.errors import Forbidden, install_problem_handlers
from civic.notify import define_message_tables
from civic.notify.api import RECEIPTS_PATH, message_router
from civic.security import Principal

pytestmark = pytest.mark.unit

TABLES = define_message_tables(make_metadata(), service="apitest")


def _caller(name: str) -> Any:
    async def caller(request: Request) -> Principal:
        request.app.state.asked.append(name)
        if request.headers.get("x-role") != name:
            raise Forbidden("无权操作", code="role_forbidden")
        return Principal(f"u-{name}", frozenset(), division="341702")

    return Annotated[Principal, Depends(caller)]


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.asked = []
    app.state.runtime = SimpleNamespace(uow=lambda: None)  # never opened in these tests
    callers = {k: _caller(k) for k in ("county_officer", "officer", "staff")}
    app.include_router(message_router(TABLES, **callers))
    return TestClient(app)


CHANNEL = {"kind": "sms", "endpoint_url": "http://gw", "templates": {"decision": "T1"}}


@pytest.mark.parametrize(
    ("method", "path", "body", "caller"),
    [
        ("put", "/notification-channels/341702", CHANNEL, "county_officer"),
        ("get", "/notification-channels/341702", None, "county_officer"),
        ("put", "/message-preferences/p-1", {"division_code": "341702", "kind": "sms"}, "staff"),
        ("get", "/message-preferences/p-1", None, "staff"),
        ("get", "/messages", None, "officer"),
    ],
)
def test_each_route_asks_the_caller_the_service_named(
    client: TestClient, method: str, path: str, body: Any, caller: str
) -> None:
    answer = client.request(method, path, json=body, headers={"x-role": "nobody"})
    assert answer.status_code == 403 and answer.json()["code"] == "role_forbidden"
    assert client.app.state.asked == [caller]  # type: ignore[attr-defined]


def test_a_preference_without_the_address_its_kind_needs_is_refused(client: TestClient) -> None:
    body = {"division_code": "341702100201", "kind": "sms", "openid": "oABCDEFG"}
    answer = client.put("/message-preferences/p-1", json=body, headers={"x-role": "staff"})
    assert answer.status_code == 422 and "address_required" in answer.text


def test_a_channel_of_an_unknown_purpose_is_refused(client: TestClient) -> None:
    body = {**CHANNEL, "templates": {"birthday": "T9"}}
    headers = {"x-role": "county_officer"}
    answer = client.put("/notification-channels/341702", json=body, headers=headers)
    assert answer.status_code == 422


def test_the_receipt_route_asks_for_no_user(client: TestClient) -> None:
    body = {"reference": "not-a-uuid", "status": "delivered", "at": "2026-12-06T10:00:00+08:00"}
    answer = client.post(RECEIPTS_PATH.format(county_code="341702"), json=body)
    assert answer.status_code == 422  # the body is read; no caller was asked who they are
    assert client.app.state.asked == []  # type: ignore[attr-defined]
    spec = client.get("/openapi.json").json()
    content = spec["paths"][RECEIPTS_PATH]["post"]["requestBody"]["content"]
    assert content["application/json"]["examples"]
