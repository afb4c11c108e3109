"""docker-compose.yml cannot run here (no Docker engine), so it is checked against the code."""

from __future__ import annotations

import importlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from civic.settings import ServiceSettings
from contracts import topics
from devstack.services import SERVICES

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{service}.settings")
    cls: type[ServiceSettings] = module.Settings
    return cls


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_is_in_compose_with_the_settings_it_reads(
    compose: dict[str, Any], service: str
) -> None:
    spec = compose["services"][service]
    env = spec["environment"]
    fields = settings_class(service).model_fields
    unknown = [k for k in env if k.lower() not in fields and not k.startswith("OTEL_")]
    assert unknown == [], f"{service} sets variables its settings do not read: {unknown}"
    required = [n for n, f in fields.items() if f.is_required()]
    assert all(n.upper() in env for n in required), (service, required)
    assert env["SERVICE_NAME"] == service
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://") and env["DATABASE_URL"].endswith(
        f"/{service}"
    )
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:19092"
    assert spec["ports"] == [f"{SERVICES[service]}:8000"]


def test_services_wait_for_healthy_infrastructure_and_report_readiness(
    compose: dict[str, Any],
) -> None:
    anchor = compose["x-service"]
    assert anchor["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert anchor["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(anchor["healthcheck"]["test"])
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:4")
    assert "pg_isready -h 127.0.0.1" in " ".join(
        compose["services"]["postgres"]["healthcheck"]["test"]
    )
    assert compose["services"]["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"


def test_compose_creates_every_topic_the_contracts_name() -> None:
    listed = (ROOT / "deploy/kafka/topics.txt").read_text().split()
    assert listed == list(topics.all_with_dlq())


def test_compose_creates_one_database_per_service() -> None:
    script = (ROOT / "deploy/postgres/init-databases.sh").read_text()
    assert set(script.split("for svc in ")[1].split(";")[0].split()) == set(SERVICES)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_has_migrations_and_an_app_factory(service: str) -> None:
    assert (ROOT / "services" / service / "alembic.ini").exists()
    main = importlib.import_module(f"{service}.main")
    assert callable(main.create_app)


@pytest.mark.parametrize(("docker_answers", "expected"), [(True, "compose"), (False, "launcher")])
def test_make_up_uses_compose_where_docker_answers_and_the_launcher_elsewhere(
    tmp_path: Path, docker_answers: bool, expected: str
) -> None:
    fake = tmp_path / "docker"  # stands in for the Docker CLI: `docker info` succeeds or not
    fake.write_text(f"#!/bin/sh\nexit {0 if docker_answers else 1}\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "STACK"}
    env["PATH"] = f"{tmp_path}:{env['PATH']}"
    planned = subprocess.run(
        ["make", "-n", "up", "down"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    compose = "docker compose -f docker-compose.yml up -d --build --wait" in planned
    launcher = "devstack up" in planned and "devstack down" in planned
    assert (compose, launcher) == (expected == "compose", expected == "launcher")
