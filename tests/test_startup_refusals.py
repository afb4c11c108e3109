"""A service started for production with a known-unsafe setting exits at once, naming it.

Each case starts the real process (``uvicorn <service>.main:create_app --factory``) with a
production configuration that is safe but for one setting.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def production_env(tmp_path: Path, service: str) -> dict[str, str]:
    """A production configuration with real-looking secrets (no server is ever reached)."""
    ca = tmp_path / "ca.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
    key = tmp_path / "public.pem"
    key.write_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "DATABASE_"))}
    return env | {
        "ENVIRONMENT": "production",
        "SERVICE_NAME": service,
        "DATABASE_URL": f"postgresql+asyncpg://{service}:Vq3-real-db-pass@127.0.0.1:1/{service}",
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "KAFKA_PASSWORD": "Vq3-real-kafka-pass",
        "KAFKA_CA_FILE": str(ca),
        "AUTH_PUBLIC_KEY_FILE": str(key),
        "AUTH_ISSUER": "https://idp.chizhou.example",
        "ID_NUMBER_KEY": base64.b64encode(b"k" * 32).decode(),
        "BIGDATA_PSEUDONYM_KEY": base64.b64encode(b"b" * 32).decode(),
        "SEALING_MASTER_KEYS_DIR": str(tmp_path / "master-keys"),
    }


def start(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "uvicorn", f"{service}.main:create_app", "--factory"]
    return subprocess.run(
        [*command, "--port", "0"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("service", "unsafe", "setting"),
    [
        (
            "intake",
            {"ID_NUMBER_KEY": "Y2hpemhvdS1kZXYtb25seS1pZC1udW1iZXIta2V5ISE="},
            "ID_NUMBER_KEY",
        ),
        ("review", {"AUTH_ISSUER": "chizhou-assistance-dev"}, "AUTH_ISSUER"),
        (
            "settlement",
            {"DATABASE_URL": "postgresql+asyncpg://settlement:settlement@127.0.0.1:1/settlement"},
            "DATABASE_URL",
        ),
        (
            "survey",
            {"KAFKA_BOOTSTRAP_SERVERS": "PLAINTEXT://127.0.0.1:1"},
            "KAFKA_SECURITY_PROTOCOL",
        ),
        ("archive", {"KAFKA_SECURITY_PROTOCOL": "PLAINTEXT"}, "KAFKA_SECURITY_PROTOCOL"),
        ("dispatch", {"KAFKA_PASSWORD": "dispatch"}, "KAFKA_PASSWORD"),
        ("review", {"BIGDATA_PSEUDONYM_KEY": ""}, "BIGDATA_PSEUDONYM_KEY"),
    ],
)
def test_an_unsafe_default_stops_the_service_with_its_name(
    tmp_path: Path, service: str, unsafe: dict[str, str], setting: str
) -> None:
    done = start(service, production_env(tmp_path, service) | unsafe)
    assert done.returncode != 0
    assert setting in done.stderr, done.stderr[-2000:]


def console_production_env(tmp_path: Path) -> dict[str, str]:
    """A safe production configuration of the staff console (it has no database or Kafka)."""
    secret = tmp_path / "oidc-client-secret"
    secret.write_text("Vq3-real-client-secret\n")
    return {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "SESSION_"))} | {
        "ENVIRONMENT": "production",
        "OIDC_ISSUER": "https://idp.chizhou.example",
        "OIDC_CLIENT_ID": "console",
        "OIDC_CLIENT_SECRET_FILE": str(secret),
        "OIDC_REDIRECT_URL": "https://console.chizhou.example/auth/callback",
        "SESSION_KEY": base64.urlsafe_b64encode(b"s" * 32).decode(),
    }


@pytest.mark.parametrize(
    ("unsafe", "setting"),
    [
        ({"SESSION_KEY": ""}, "SESSION_KEY"),
        ({"OIDC_CLIENT_SECRET_FILE": "", "OIDC_CLIENT_SECRET": "changeme"}, "OIDC_CLIENT_SECRET"),
        ({"COOKIE_SECURE": "false"}, "COOKIE_SECURE"),
    ],
)
def test_the_console_refuses_an_unsafe_production_setting(
    tmp_path: Path, unsafe: dict[str, str], setting: str
) -> None:
    env = {k: v for k, v in (console_production_env(tmp_path) | unsafe).items() if v != ""}
    done = start("console", env)
    assert done.returncode != 0
    assert setting in done.stderr, done.stderr[-2000:]


def test_the_development_sign_in_refuses_to_start_in_production(tmp_path: Path) -> None:
    env = console_production_env(tmp_path) | {
        "SIGN_IN_URL": "http://127.0.0.1:8090",
        "SIGN_IN_SECRETS_DIR": str(tmp_path / "secrets"),
    }
    command = [sys.executable, "-m", "uvicorn", "devstack.services:dev_sign_in_app", "--factory"]
    done = subprocess.run(
        [*command, "--port", "0"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "refused in production" in done.stderr, done.stderr[-2000:]
    assert not (tmp_path / "secrets").exists()  # refused before any key is made
