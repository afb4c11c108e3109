"""Tokens, roles, jurisdiction, problem documents, settings and log redaction."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from prometheus_client import generate_latest
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc

from civic.deps import PageNumber
from civic.errors import Conflict, install_problem_handlers
from civic.metrics import CountHttp, ServiceMetrics
from civic.security import Principal, TokenVerifier, ensure_jurisdiction, require_roles
from civic.telemetry import redact, setup_logging
from contracts.enums import Role
from devstack import tokens

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    state = tmp_path_factory.mktemp("keys")
    tokens.ensure_keys(state)
    return state


class Body(BaseModel):
    count: int


Officer = Annotated[Principal, Depends(require_roles(Role.TOWNSHIP_OFFICER))]


def app_with(keys: Path) -> FastAPI:
    app = FastAPI()
    verifier = TokenVerifier(
        tokens.public_key_path(keys).read_text(),
        issuer="chizhou-assistance-dev",
        audience="chizhou-assistance",
    )
    app.state.runtime = type("R", (), {"verifier": verifier})()

    @app.post("/villages/{code}")
    async def act(code: str, body: Body, who: Officer) -> dict[str, Any]:
        ensure_jurisdiction(who, code)
        if body.count > 9:
            raise Conflict("已存在", code="exists", extra={"existing": "a1"})
        return {"user": who.user_id}

    install_problem_handlers(app)
    return app


async def call(
    app: FastAPI, token: str | None, code: str = "341702100201", count: int = 1
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.post(f"/villages/{code}", json={"count": count}, headers=headers)


async def test_a_township_officer_acts_inside_the_township(keys: Path) -> None:
    token = tokens.mint(keys, user_id="o1", roles=["township_officer"], division="341702100")
    response = await call(app_with(keys), token)
    assert response.status_code == 200
    assert response.json() == {"user": "o1"}


async def test_an_officer_of_another_township_is_refused(keys: Path) -> None:
    token = tokens.mint(keys, user_id="o2", roles=["township_officer"], division="341702101")
    response = await call(app_with(keys), token)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "outside_jurisdiction"


async def test_a_missing_role_is_refused_with_a_chinese_message(keys: Path) -> None:
    token = tokens.mint(keys, user_id="v1", roles=["village_staff"], division="341702100201")
    body = (await call(app_with(keys), token)).json()
    assert body["status"] == 403 and body["code"] == "role_forbidden"
    assert "乡镇" in body["title"]


@pytest.mark.parametrize("token", [None, "not-a-jwt"])
async def test_no_or_bad_token_is_401(keys: Path, token: str | None) -> None:
    response = await call(app_with(keys), token)
    assert response.status_code == 401
    assert response.json()["code"] in ("token_missing", "token_invalid")


async def test_an_expired_token_is_401(keys: Path) -> None:
    token = tokens.mint(
        keys, user_id="o1", roles=["township_officer"], division="341702100", ttl_s=-10
    )
    assert (await call(app_with(keys), token)).json()["code"] == "token_expired"


async def test_a_token_from_another_key_is_401(keys: Path, tmp_path: Path) -> None:
    token = tokens.mint(tmp_path, user_id="o1", roles=["township_officer"], division="341702100")
    assert (await call(app_with(keys), token)).json()["code"] == "token_invalid"


async def test_invalid_input_is_422_with_field_and_chinese_message(keys: Path) -> None:
    token = tokens.mint(keys, user_id="o1", roles=["township_officer"], division="341702100")
    app = app_with(keys)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post(
            "/villages/341702100201",
            json={"count": "many"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 422
    err = r.json()["errors"][0]
    assert (
        err["field"] == "body.count"
        and err["code"] == "int_parsing"
        and err["message"] == "应为整数"
    )


async def test_a_domain_conflict_carries_its_code_and_data(keys: Path) -> None:
    token = tokens.mint(keys, user_id="o1", roles=["township_officer"], division="341702100")
    body = (await call(app_with(keys), token, count=10)).json()
    assert (
        body["status"] == 409 and body["code"] == "exists" and body["extra"] == {"existing": "a1"}
    )


def failing_app(error: Exception) -> FastAPI:
    app = FastAPI()

    @app.post("/fail")
    async def fail() -> None:
        raise error

    install_problem_handlers(app)
    return app


@pytest.mark.parametrize(
    "error",
    [
        sa_exc.OperationalError("insert", {}, ConnectionRefusedError("refused")),
        sa_exc.InterfaceError("select", {}, Exception("connection is closed")),
        ConnectionRefusedError(111, "Connect call failed"),
        sa_exc.TimeoutError("QueuePool limit reached"),
    ],
)
async def test_a_database_outage_is_503_with_retry_after(error: Exception) -> None:
    app = failing_app(error)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        got = await c.post("/fail")
    assert got.status_code == 503 and got.headers["retry-after"] == "5"
    assert got.json()["code"] == "database_unavailable" and "未保存" in got.json()["title"]


async def test_a_database_bug_stays_a_500_not_a_retryable_503() -> None:
    app = failing_app(sa_exc.IntegrityError("insert", {}, Exception("duplicate key")))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        got = await c.post("/fail")
    assert got.status_code == 500


@pytest.mark.parametrize(("page", "status"), [("1", 200), ("100000", 200), ("100001", 422)])
async def test_a_page_beyond_any_list_is_refused_before_it_reaches_the_database(
    page: str, status: int
) -> None:
    app = FastAPI()

    @app.get("/items")
    async def items(page: PageNumber = 1) -> dict[str, int]:
        return {"offset": (page - 1) * 100}

    install_problem_handlers(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        got = await c.get("/items", params={"page": page})
    assert got.status_code == status
    if status == 422:
        assert got.json()["errors"][0]["field"] == "query.page"


async def test_http_answers_are_counted_by_route_template_never_by_id() -> None:
    metrics = ServiceMetrics()
    app = FastAPI()

    @app.get("/villages/{code}/ledger")
    async def ledger(code: str) -> dict[str, str]:
        return {"village": code}

    app.add_middleware(CountHttp, metrics=metrics)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for code in ("341702100201", "341702100202"):
            assert (await c.get(f"/villages/{code}/ledger")).status_code == 200
        assert (await c.get("/nowhere")).status_code == 404
    text = generate_latest(metrics.registry).decode()
    ok = 'civic_http_requests_total{method="GET",route="/villages/{code}/ledger",status="200"} 2.0'
    assert ok in text and "341702100201" not in text
    assert 'route="unmatched",status="404"' in text


def test_the_city_covers_every_village_and_a_village_only_itself() -> None:
    city = Principal("c", frozenset({Role.COUNTY_OFFICER}), division="341700")
    village = Principal("v", frozenset({Role.VILLAGE_STAFF}), division="341702100201")
    assert city.covers("341723100201")
    assert village.covers("341702100201") and not village.covers("341702100202")


def test_id_numbers_and_phones_are_masked_in_text() -> None:
    text = redact("申请人 341702199003070014 电话 13912345678 序号 12345")
    assert "341702199003070014" not in text and "13912345678" not in text
    assert "3417**********0014" in text and "139****5678" in text and "12345" in text


def test_log_lines_are_json_with_personal_data_masked(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("civic-test")
    logging.getLogger("t").warning("looked up %s", "34170219900307001X")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert '"service": "civic-test"' in line and "34170219900307001X" not in line
