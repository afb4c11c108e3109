from __future__ import annotations

import json
import textwrap
from pathlib import Path

import httpx
import pytest

from devstack.services import ServiceNotBuiltError
from devstack.stack import Stack

pytestmark = pytest.mark.integration

MAIN = """
import json, os
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

KEYS = ("SERVICE_NAME", "HTTP_PORT", "DATABASE_URL", "DATABASE_PASSWORD_FILE",
        "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_USERNAME", "KAFKA_PASSWORD_FILE", "KAFKA_CA_FILE",
        "AUTH_PUBLIC_KEY_FILE", "AUTH_ISSUER", "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_BSP_SCHEDULE_DELAY", "ENVIRONMENT", "ID_NUMBER_KEY_FILE",
        "SEALING_MASTER_KEYS_DIR", "EXTRA")

def create_app():
    async def readyz(request):
        # Like a service's /readyz, it names the service (the launcher checks it).
        env = {key: os.environ.get(key) for key in KEYS}
        return JSONResponse({"service": os.environ.get("SERVICE_NAME"), **env})
    return Starlette(routes=[Route("/readyz", readyz)])
"""

ENV_PY = """
import os, pathlib
pathlib.Path(os.environ["MIGRATION_MARKER"]).write_text(os.environ["DATABASE_URL"])
"""


def _fake_repo(root: Path) -> Path:
    """A repository with a runnable stand-in for the intake service only."""
    (root / "libs").mkdir(parents=True)
    service = root / "services" / "intake"
    (service / "src" / "intake").mkdir(parents=True)
    (service / "src" / "intake" / "__init__.py").write_text("")
    (service / "src" / "intake" / "main.py").write_text(MAIN)
    (service / "migrations").mkdir()
    (service / "migrations" / "env.py").write_text(ENV_PY)
    (service / "alembic.ini").write_text(
        textwrap.dedent("""\
            [alembic]
            script_location = %(here)s/migrations
        """)
    )
    (root / "services" / "survey").mkdir(parents=True)
    return root


def test_services_migrate_start_answer_and_stop(stack: Stack, tmp_path: Path) -> None:
    fake = _fake_repo(tmp_path / "repo")
    other = Stack(stack.state_dir, ports=stack.ports, repo_root=fake)
    marker = tmp_path / "migrated.txt"
    extra = {
        "PYTHONPATH": str(fake / "services/intake/src"),
        "EXTRA": "yes",
        "MIGRATION_MARKER": str(marker),
    }
    assert other.start_services(["intake"], extra_env=extra, timeout=30) == ["intake"]
    try:
        own_role = stack.postgres.service_url("intake")
        assert marker.read_text() == own_role
        env = httpx.get(f"{other.service_url('intake')}/readyz").json()
        assert env.pop("service") == "intake"
        secrets = stack.secrets_dir
        assert env == {
            "SERVICE_NAME": "intake",
            "HTTP_PORT": str(stack.ports.services["intake"]),
            "DATABASE_URL": own_role,
            "DATABASE_PASSWORD_FILE": str(secrets / "db" / "intake.password"),
            "KAFKA_BOOTSTRAP_SERVERS": stack.kafka_bootstrap,
            "KAFKA_USERNAME": "intake",
            "KAFKA_PASSWORD_FILE": str(secrets / "kafka" / "users" / "intake.password"),
            "KAFKA_CA_FILE": str(secrets / "kafka" / "ca.crt"),
            "SEALING_MASTER_KEYS_DIR": str(secrets / "intake" / "master-keys"),
            "ID_NUMBER_KEY_FILE": str(secrets / "intake" / "id-number-key"),
            "AUTH_PUBLIC_KEY_FILE": str(stack.public_key_file),
            "AUTH_ISSUER": "chizhou-assistance-dev",
            "OTEL_EXPORTER_OTLP_ENDPOINT": stack.otlp_endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "ENVIRONMENT": "local",
            "EXTRA": "yes",
        }
        assert other.status()["services"]["intake"]["running"] is True
    finally:
        other.stop_services()
    assert not other.service("intake").is_running()
    assert not other.service("intake").pid_file.exists()
    assert "intake" in json.dumps(other.status())


def test_unbuilt_service_is_reported_not_skipped(stack: Stack, tmp_path: Path) -> None:
    fake = _fake_repo(tmp_path / "repo")
    other = Stack(stack.state_dir, ports=stack.ports, repo_root=fake)
    with pytest.raises(ServiceNotBuiltError, match=r"'survey'.*src/survey/main\.py"):
        other.start_services(["intake", "survey"])
    assert not other.service("intake").is_running()


def test_unknown_service_name_is_refused(stack: Stack) -> None:
    with pytest.raises(Exception, match="unknown service"):
        stack.start_services(["billing"])
