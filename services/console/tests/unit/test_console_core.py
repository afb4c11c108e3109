"""Settings, session sealing and expiry, problem documents, and the dev issuer's refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from console import problems
from console.oidc import pkce_challenge
from console.session import Sealer, Session, csrf_matches
from console.settings import Settings
from devstack import oidc_issuer

pytestmark = pytest.mark.unit


def session(**overrides: Any) -> Session:
    values: dict[str, Any] = {
        "access_token": "t",
        "user_id": "u",
        "roles": ("township_officer",),
        "division": "341702100",
        "name": None,
        "expires_at": 4_000_000_000,
    }
    return Session(**{**values, **overrides})


def test_production_refuses_a_missing_or_placeholder_session_key_and_insecure_cookies() -> None:
    base = {"environment": "production", "oidc_issuer": "https://id.example"}
    with pytest.raises(ValueError, match="OIDC_CLIENT_SECRET"):
        Settings(**base)
    secret = {"oidc_client_secret": "a-real-secret-1234"}
    with pytest.raises(ValueError, match="SESSION_KEY"):
        Settings(**base, **secret)
    with pytest.raises(ValueError, match="SESSION_KEY"):
        Settings(**base, **secret, session_key="changeme")
    with pytest.raises(ValueError, match="SESSION_KEY"):
        Settings(**base, **secret, session_key="not-a-fernet-key")
    key = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="COOKIE_SECURE"):
        Settings(**base, **secret, session_key=key, cookie_secure=False)
    good = Settings(**base, **secret, session_key=key, oidc_redirect_url="http://x/auth/callback")
    assert good.secure_cookies() is True


def test_local_makes_a_session_key_once_and_drops_secure_only_over_http(tmp_path: Path) -> None:
    local = Settings(environment="local", oidc_issuer="http://127.0.0.1:1", state_dir=tmp_path)
    first = local.fernet_key()
    assert first == local.fernet_key()
    made = tmp_path / "console" / "session-key"
    assert made.stat().st_mode & 0o777 == 0o600
    assert local.secure_cookies() is False
    https = local.model_copy(update={"oidc_redirect_url": "https://console.local/auth/callback"})
    assert https.secure_cookies() is True


def test_a_sealed_session_opens_only_with_its_key_and_unchanged() -> None:
    key = Fernet.generate_key()
    sealed = Sealer(key).seal({"a": 1})
    assert Sealer(key).open(sealed) == {"a": 1}
    assert Sealer(Fernet.generate_key()).open(sealed) is None
    assert Sealer(key).open(sealed[:-2] + "xx") is None
    assert Sealer(key).open(None) is None


def test_an_expired_token_is_an_expired_session_and_csrf_must_match() -> None:
    assert session(expires_at=1).expired()
    assert not session().expired()
    s = session()
    assert csrf_matches(s, s.csrf)
    assert not csrf_matches(s, "other") and not csrf_matches(None, s.csrf)
    assert not csrf_matches(s, None)


def test_a_problem_document_becomes_chinese_messages_per_field() -> None:
    shown = problems.from_problem(
        409,
        {
            "title": "该申请已在办理中",
            "code": "duplicate_application",
            "errors": [{"field": "body.household.members.1.id_number", "message": "重复"}],
        },
    )
    assert shown.message == "该申请已在办理中" and shown.code == "duplicate_application"
    assert shown.fields == {"household.members.1.id_number": "重复"}
    assert problems.from_problem(403, "not json").message == "无权执行此操作"
    detail = problems.from_problem(422, {"title": "t", "detail": "更具体的说明"})
    assert detail.message == "更具体的说明"
    down = problems.unavailable("review")
    assert down.message == "审核确认服务暂不可用，请稍后再试" and down.unavailable


@pytest.mark.parametrize("environment", ["staging", "production", "PRODUCTION"])
def test_the_dev_issuer_refuses_to_start_outside_local(environment: str, tmp_path: Path) -> None:
    client = oidc_issuer.Client("console", "s", ("http://c/auth/callback",))
    with pytest.raises(oidc_issuer.RefusedEnvironment):
        oidc_issuer.create_app(
            state_dir=tmp_path, url="http://i", client=client, environment=environment
        )


async def test_the_dev_issuer_stops_answering_once_the_environment_is_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = oidc_issuer.Client("console", "s", ("http://c/auth/callback",))
    app = oidc_issuer.create_app(
        state_dir=tmp_path, url="http://i", client=client, environment="local"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://i"
    ) as http:
        assert (await http.get("/.well-known/openid-configuration")).status_code == 200
        monkeypatch.setenv("ENVIRONMENT", "production")
        refused = await http.get("/jwks")
        assert refused.status_code == 403 and "不可用" in refused.json()["error"]


async def test_the_dev_issuer_gives_a_code_once_and_only_with_the_pkce_verifier(
    tmp_path: Path,
) -> None:
    callback = "http://c/auth/callback"
    client = oidc_issuer.Client("console", "s", (callback,))
    app = oidc_issuer.create_app(
        state_dir=tmp_path, url="http://i", client=client, environment="local"
    )
    verifier = "v" * 50
    authorize = {
        "client_id": "console",
        "redirect_uri": callback,
        "state": "st",
        "nonce": "n",
        "code_challenge": pkce_challenge(verifier),
        "response_type": "code",
        "role": "township_officer",
        "division": "341702100",
        "user_id": "u1",
        "name": "李四",
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://i"
    ) as http:
        form = await http.get("/authorize", params={k: authorize[k] for k in list(authorize)[:6]})
        assert "开发环境登录" in form.text and '<label for="role">角色</label>' in form.text
        bad = await http.get("/authorize", params={**authorize, "redirect_uri": "http://evil/"})
        assert bad.status_code == 400
        code = (await http.post("/authorize", data=authorize)).headers["location"]
        code = code.split("code=")[1].split("&")[0]
        exchange = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": callback,
            "client_id": "console",
            "client_secret": "s",
            "code_verifier": "wrong" * 10,
        }
        assert (await http.post("/token", data=exchange)).status_code == 400
        # The failed attempt used the code up: a stolen code cannot be retried.
        again = await http.post("/token", data={**exchange, "code_verifier": verifier})
        assert again.status_code == 400


def test_times_show_in_asia_shanghai() -> None:
    from console.web import local_time

    assert local_time("2026-12-07T01:37:05+00:00") == "2026-12-07 09:37"
    assert local_time("not a time") == "not a time"
