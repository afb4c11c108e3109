"""Safe by default: outside ENVIRONMENT=local a service refuses every known-unsafe setting,
naming it; the bus is reached only with SCRAM over TLS, in every environment."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from civic.pseudonyms import DEV_PSEUDONYM_KEY
from civic.settings import ServiceSettings

pytestmark = pytest.mark.unit

SAFE: dict[str, Any] = {
    "service_name": "survey",
    "environment": "production",
    "auth_public_key_pem": "k",
    "auth_issuer": "https://idp.chizhou.example",
    "database_url": "postgresql+asyncpg://survey:Xk2-strong-pass@db/survey",
    "kafka_password": "Strong-kafka-77a1",
    "kafka_ca_file": "/etc/chizhou/ca.crt",
    "bigdata_pseudonym_key": "UXJ4LXJlYWwtcGxhdGZvcm0ta2V5LW5vdC1kZXYtMDEh",
}


def build(**changes: Any) -> ServiceSettings:
    return ServiceSettings(**{**SAFE, **changes})


def test_a_real_configuration_starts_in_production() -> None:
    assert build().environment == "production"


def test_production_is_the_default_environment() -> None:
    values = {k: v for k, v in SAFE.items() if k != "environment"}
    assert ServiceSettings(**values).environment == "production"


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"auth_issuer": "chizhou-assistance-dev"}, "AUTH_ISSUER"),
        ({"database_url": "postgresql+asyncpg://survey:survey@db/survey"}, "DATABASE_URL"),
        ({"database_url": "postgresql+asyncpg://survey@db/survey"}, "DATABASE_URL"),
        ({"database_url": "postgresql+asyncpg://survey:changethis@db/survey"}, "DATABASE_URL"),
        ({"kafka_password": "survey"}, "KAFKA_PASSWORD"),
        ({"clock_start": "2027-01-01T00:00:10+08:00"}, "CLOCK_START"),
        ({"bigdata_pseudonym_key": None}, "BIGDATA_PSEUDONYM_KEY"),
        ({"bigdata_pseudonym_key": DEV_PSEUDONYM_KEY}, "BIGDATA_PSEUDONYM_KEY"),
    ],
)
def test_each_unsafe_setting_is_refused_by_name_outside_local(
    changes: dict[str, Any], setting: str
) -> None:
    for environment in ("staging", "production"):
        with pytest.raises(ValidationError, match=setting):
            build(environment=environment, **changes)
    assert build(environment="local", **changes)  # a local run may use development values


@pytest.mark.parametrize(
    "changes",
    [
        {"kafka_security_protocol": "PLAINTEXT"},
        {"kafka_bootstrap_servers": "PLAINTEXT://kafka:9092"},
        {"kafka_password": None},
        {"kafka_ca_file": None},
    ],
)
def test_the_bus_is_reached_only_with_scram_over_tls_even_locally(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="KAFKA_"):
        build(environment="local", **changes)


def test_secrets_may_come_from_files(tmp_path: Any) -> None:
    (tmp_path / "db").write_text("Xk2-strong-pass\n")
    (tmp_path / "kafka").write_text("Strong-kafka-77a1\n")
    settings = build(
        database_url="postgresql+asyncpg://survey@db:5432/survey",
        database_password_file=tmp_path / "db",
        kafka_password=None,
        kafka_password_file=tmp_path / "kafka",
    )
    assert settings.database_dsn() == "postgresql+asyncpg://survey:Xk2-strong-pass@db:5432/survey"
    assert settings.kafka_access().password == "Strong-kafka-77a1"
    assert "Strong" not in repr(settings.kafka_access())


def test_docs_are_served_locally_only_unless_asked() -> None:
    assert not build().serve_docs()
    assert build(environment="local").serve_docs()
    assert build(docs_enabled=True).serve_docs()
