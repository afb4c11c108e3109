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
