"""Typed settings every service reads from its environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from civic.clock import Clock

_PLACEHOLDERS = ("changethis", "changeme", "password", "secret", "postgres:postgres@")


class ServiceSettings(BaseSettings):
    """Settings shared by the six services; each service may subclass and add its own."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    service_name: str
    environment: Literal["local", "test", "staging", "production"] = "local"
    http_port: int = 8000
    database_url: str = Field(description="postgresql+asyncpg://user:pass@host:port/db")
    database_pool_size: int = 10
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    auth_issuer: str = "chizhou-assistance-dev"
    auth_audience: str = "chizhou-assistance"
    auth_public_key_file: Path | None = None
    auth_public_key_pem: str | None = None
    otel_exporter_otlp_endpoint: str | None = None
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=5, ge=1)
    consumer_retry_backoff_s: float = Field(default=0.2, ge=0)
    outbox_batch_size: int = Field(default=200, ge=1)
    outbox_idle_poll_s: float = Field(default=0.5, gt=0)
    clock_start: AwareDatetime | None = Field(
        default=None,
        description="Development and tests only: the instant this process's clock starts at; "
        "it then runs on. Refused in staging and production.",
    )
    clock_start_at: AwareDatetime | None = Field(
        default=None,
        description="The machine instant at which the clock read clock_start (default: when "
        "the process starts); processes given the same pair share one clock.",
    )
    asyncapi_docs: bool = Field(
        default=False, description="Wire the broker for AsyncAPI generation only (never started)."
    )

    @field_validator("database_url")
    @classmethod
    def _asyncpg_only(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("database_url must use the postgresql+asyncpg:// driver")
        return value

    @model_validator(mode="after")
    def _no_placeholder_secrets_outside_local(self) -> ServiceSettings:
        if self.environment in ("staging", "production"):
            if self.clock_start is not None:
                raise ValueError(
                    f"CLOCK_START is for development and tests only; unset it in {self.environment}"
                )
            lowered = self.database_url.lower()
            for marker in _PLACEHOLDERS:
                if marker in lowered:
                    raise ValueError(
                        f"database_url contains the placeholder {marker!r}; set a real secret "
                        f"before running in {self.environment}"
                    )
        if self.auth_public_key_file is None and self.auth_public_key_pem is None:
            raise ValueError(
                "set AUTH_PUBLIC_KEY_FILE or AUTH_PUBLIC_KEY_PEM (the token issuer's key)"
            )
        return self

    def clock(self) -> Clock:
        """The process's clock: the machine's, or one started at ``clock_start``."""
        if self.clock_start is None:
            return Clock()
        return Clock.starting_at(self.clock_start, anchor=self.clock_start_at)

    def public_key(self) -> str:
        """Returns the PEM of the token issuer's public key."""
        if self.auth_public_key_pem:
            return self.auth_public_key_pem
        assert self.auth_public_key_file is not None
        return self.auth_public_key_file.read_text()
