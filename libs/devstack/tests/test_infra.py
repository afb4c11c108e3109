from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from devstack.infra import docker_available, resolve_infra
from devstack.kafka import list_topics
from devstack.stack import Stack

pytestmark = pytest.mark.integration


def test_env_addresses_win(stack: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TEST_KAFKA_BOOTSTRAP", stack.kafka_bootstrap)
    monkeypatch.setenv("TEST_SECRETS_DIR", str(stack.secrets_dir))
    monkeypatch.setenv("TEST_DATABASE_URL", stack.postgres.url("postgres"))
    with resolve_infra(tmp_path) as infra:
        assert infra.source == "env"
        url = infra.create_database("infra_probe")
        assert url == stack.postgres.url("infra_probe")
        assert infra.create_topics(["devstack.infra-env.v1"], partitions=1) in (
            ["devstack.infra-env.v1"],
            [],
        )
    assert stack.kafka.is_running(), "closing an env-provided infra must not stop it"


def test_half_configured_env_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TEST_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="none of them"):
        resolve_infra(tmp_path)


async def test_local_launcher_without_docker(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    monkeypatch.delenv("TEST_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    if docker_available():
        monkeypatch.setenv("DEVSTACK_INFRA", "local")
    infra = resolve_infra(tmp_path_factory.mktemp("infra-local"))
    try:
        assert infra.source == "local"
        dsn = infra.create_database("local_probe").replace("+asyncpg", "")
        conn = await asyncpg.connect(dsn)
        try:
            assert await conn.fetchval("select 1") == 1
        finally:
            await conn.close()
        infra.create_topics(["devstack.infra-local.v1"], partitions=1)
        assert "devstack.infra-local.v1" in list_topics(infra.kafka)
    finally:
        infra.close()
